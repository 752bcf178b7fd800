package dev.parley.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md that hold for parley-server: no package cycles, no
 * {@code Channel.unsafe()}. (It is the executable that wires every system module, so it may use
 * them all.)
 */
class ArchitectureTest {
  private static final String ROOT = "dev.parley.server";
  private static final JavaClasses CLASSES = ModuleRules.mainClasses(ROOT);

  @Test
  void noPackageCycles() {
    ModuleRules.noPackageCycles(ROOT).check(CLASSES);
  }

  @Test
  void noChannelUnsafe() {
    ModuleRules.noChannelUnsafe().check(CLASSES);
  }
}
