package dev.parley.core;

import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * parley-core keeps the module rules of DESIGN.md: no package cycles, no system module's classes,
 * JDBC only in the storage implementations ({@code store.jdbc}, {@code store.sqlite}), and no
 * {@code Channel.unsafe()}.
 */
class ArchitectureTest {
  @Test
  void coreKeepsTheModuleRules() {
    ModuleRules.check("dev.parley.core");
  }
}
