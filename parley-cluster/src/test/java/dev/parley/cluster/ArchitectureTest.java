package dev.parley.cluster;

import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md for parley-cluster: no package cycles, no other system module's
 * classes, no {@code java.sql}, no {@code Channel.unsafe()}.
 */
class ArchitectureTest {
  @Test
  void moduleFollowsTheModuleRules() {
    ModuleRules.check("dev.parley.cluster");
  }
}
