package dev.parley.bench;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md that hold for parley-bench: no package cycles, no
 * {@code Channel.unsafe()}. (The benchmarks drive every system, partly through its codecs, so they
 * may use them all.)
 */
class ArchitectureTest {
  private static final String ROOT = "dev.parley.bench";
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
