package dev.parley.mqtt.codec;

import java.util.List;

/**
 * The MQTT 5 properties that travel with an application message from publisher to subscriber.
 *
 * @param utf8Payload payload format indicator 1: the payload is UTF-8 text
 * @param messageExpirySeconds message expiry interval, or -1 for none
 * @param contentType MIME type of the payload, or null
 * @param responseTopic topic for a response (request/response pattern), or null
 * @param correlationData data the requester uses to match the response, or null
 * @param userProperties user properties in order
 */
public record MessageProps(boolean utf8Payload, long messageExpirySeconds, String contentType, String responseTopic,
    byte[] correlationData, List<UserProperty> userProperties) {
  public static final MessageProps NONE = new MessageProps(false, -1, null, null, null, List.of());

  /** The same properties with another expiry interval. */
  public MessageProps withExpiry(long seconds) {
    return new MessageProps(utf8Payload, seconds, contentType, responseTopic, correlationData, userProperties);
  }

  public boolean isEmpty() {
    return this == NONE || (!utf8Payload && messageExpirySeconds < 0 && contentType == null && responseTopic == null
        && correlationData == null && userProperties.isEmpty());
  }
}
