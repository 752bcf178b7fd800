package dev.parley.mqtt.message;

import dev.parley.mqtt.codec.MessageProps;

/**
 * An application message as the broker routes it: immutable, shared by every subscriber it goes to.
 *
 * @param topic the topic name
 * @param payload the payload (not copied again; never modified)
 * @param qos the QoS it was published with
 * @param retain the publisher's retain flag
 * @param props MQTT 5 message properties (message expiry is taken from {@code expiresAtMillis})
 * @param expiresAtMillis when the message expires (epoch ms), or {@link Long#MAX_VALUE}
 * @param origin the publishing client id (for no-local), or null for server messages
 */
public record AppMessage(String topic, byte[] payload, int qos, boolean retain, MessageProps props,
    long expiresAtMillis, String origin) {

  public static final long NEVER = Long.MAX_VALUE;

  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /** The properties to send at {@code nowMillis}: the expiry interval becomes the time left (MQTT 5, 3.3.2.3.3). */
  public MessageProps propsAt(long nowMillis) {
    if (expiresAtMillis == NEVER) {
      return props;
    }
    long left = Math.max(0, (expiresAtMillis - nowMillis + 999) / 1000);
    return props.withExpiry(left);
  }

  /** A copy with another retain flag. */
  public AppMessage withRetain(boolean r) {
    return r == retain ? this : new AppMessage(topic, payload, qos, r, props, expiresAtMillis, origin);
  }
}
