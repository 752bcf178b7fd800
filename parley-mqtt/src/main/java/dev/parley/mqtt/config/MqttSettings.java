package dev.parley.mqtt.config;

import dev.parley.core.config.Config;
import java.time.Duration;

/**
 * The broker's resolved limits, read once at start.
 *
 * @param maxPacketSize largest inbound packet in bytes
 * @param connectTimeout time allowed between accept and CONNECT
 * @param maxKeepAliveSeconds longest keepalive granted
 * @param receiveMaximum inbound QoS 1/2 window per connection
 * @param maxInflight outbound QoS 1/2 window per connection
 * @param maxQueued queued messages per session
 * @param queueFullPolicy what happens when the queue is full
 * @param maxTopicLevels most levels in a topic
 * @param topicAliasMaximum topic aliases per direction
 * @param maxClientIdLength longest client id
 * @param maxSessionExpirySeconds longest session expiry
 * @param retainEnabled whether retained messages are kept
 * @param maxRetained retained messages kept at most
 */
public record MqttSettings(int maxPacketSize, Duration connectTimeout, int maxKeepAliveSeconds, int receiveMaximum,
    int maxInflight, int maxQueued, QueueFullPolicy queueFullPolicy, int maxTopicLevels, int topicAliasMaximum,
    int maxClientIdLength, long maxSessionExpirySeconds, boolean retainEnabled, int maxRetained) {

  public static MqttSettings from(Config c) {
    return new MqttSettings(Math.toIntExact(Math.min(Integer.MAX_VALUE, c.get(MqttKeys.MAX_PACKET_SIZE))),
        c.get(MqttKeys.CONNECT_TIMEOUT), (int) c.get(MqttKeys.MAX_KEEP_ALIVE).toSeconds(),
        c.get(MqttKeys.RECEIVE_MAXIMUM), c.get(MqttKeys.MAX_INFLIGHT), c.get(MqttKeys.MAX_QUEUED),
        c.get(MqttKeys.QUEUE_FULL_POLICY), c.get(MqttKeys.MAX_TOPIC_LEVELS), c.get(MqttKeys.TOPIC_ALIAS_MAXIMUM),
        c.get(MqttKeys.MAX_CLIENT_ID_LENGTH), c.get(MqttKeys.MAX_SESSION_EXPIRY).toSeconds(),
        c.get(MqttKeys.RETAIN_ENABLED), c.get(MqttKeys.MAX_RETAINED));
  }
}
