package dev.parley.mqtt.message;

import dev.parley.mqtt.codec.MessageProps;

/**
 * A will as the session keeps it until it is published or cancelled.
 *
 * @param delaySeconds will delay interval
 */
public record WillMessage(String topic, byte[] payload, int qos, boolean retain, MessageProps props,
    long delaySeconds) {}
