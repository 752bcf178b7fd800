package dev.parley.mqtt.config;

import java.util.List;

/** The access rules of the default configuration. */
final class AclDefaults {
  private AclDefaults() {}

  /**
   * An authenticated user may subscribe to its own push topic; everyone (anonymous loopback
   * clients included) may publish and subscribe under {@code public/}.
   */
  static final List<String> RULES = List.of(
      "allow subscribe authenticated users/{userId}/#",
      "allow all any public/#");
}
