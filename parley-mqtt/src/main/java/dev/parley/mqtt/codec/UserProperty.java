package dev.parley.mqtt.codec;

/** An MQTT 5 user property: a name and a value, both UTF-8 strings; order and repeats are kept. */
public record UserProperty(String name, String value) {}
