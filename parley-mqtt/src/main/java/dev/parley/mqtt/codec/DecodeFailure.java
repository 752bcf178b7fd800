package dev.parley.mqtt.codec;

/**
 * What {@link MqttDecoder} passes on instead of a packet when the input is not valid MQTT; the
 * decoder then discards everything else the peer sends. The handler tells the peer the reason
 * (MQTT 5) and closes.
 *
 * @param packetType the type of the offending packet (0 when not known)
 * @param reasonCode 0x81 malformed, 0x82 protocol error, 0x95 packet too large, 0x84 unsupported version
 */
public record DecodeFailure(int packetType, int reasonCode, String message) {}
