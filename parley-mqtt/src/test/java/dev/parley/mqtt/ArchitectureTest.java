package dev.parley.mqtt;

import dev.parley.core.testing.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md for parley-mqtt: no package cycles, no other system module's
 * classes, {@code java.sql} only in {@code dev.parley.mqtt.store.sql}, no {@code Channel.unsafe()}.
 */
class ArchitectureTest {
  @Test
  void moduleFollowsTheModuleRules() {
    ModuleRules.check("dev.parley.mqtt");
  }
}
