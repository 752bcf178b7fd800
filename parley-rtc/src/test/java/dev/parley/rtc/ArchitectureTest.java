package dev.parley.rtc;

import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module rules of DESIGN.md for parley-rtc (see {@link ModuleRules}). */
class ArchitectureTest {
  @Test
  void moduleFollowsTheModuleRules() {
    ModuleRules.check("dev.parley.rtc");
  }
}
