package dev.parley.mqtt.codec;

/** Protocol levels the broker speaks: 3.1.1 (level 4) and 5.0 (level 5). */
public final class MqttVersion {
  private MqttVersion() {}

  public static final int V3_1_1 = 4;
  public static final int V5 = 5;

  public static String name(int level) {
    return level == V5 ? "5.0" : level == V3_1_1 ? "3.1.1" : "level " + level;
  }
}
