package dev.parley.files;

import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/** The module rules of DESIGN.md for parley-files (see {@link ModuleRules}). */
class ArchitectureTest {
  @Test
  void moduleFollowsTheModuleRules() {
    ModuleRules.check("dev.parley.files");
  }
}
