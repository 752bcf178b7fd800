package dev.parley.mqtt.config;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every configuration key of the MQTT broker. */
public final class MqttKeys {
  private MqttKeys() {}

  public static final ListenerKeys TCP = new ListenerKeys("mqtt", "MQTT", 1883, 100);

  public static final ConfigKey<Boolean> SECURE_ENABLED = ConfigKey.bool("mqtt.secure.enabled", false,
      "A second MQTT listener with TLS (tls.cert-file, tls.key-file), usually on 8883.");
  public static final ConfigKey<String> SECURE_HOST = ConfigKey.string("mqtt.secure.host", "0.0.0.0",
      "Address the MQTT-over-TLS listener binds.");
  public static final ConfigKey<Integer> SECURE_PORT = ConfigKey.port("mqtt.secure.port", 8883,
      "Port of the MQTT-over-TLS listener.");
  public static final ConfigKey<Integer> SECURE_MAX_PER_IP = ConfigKey.integer("mqtt.secure.max-connections-per-ip",
      100, 0, 1_000_000, "Open connections allowed from one IP on the MQTT-over-TLS listener (0: no cap).");

  public static final ConfigKey<Boolean> WEBSOCKET_ENABLED = ConfigKey.bool("mqtt.websocket.enabled", true,
      "MQTT over WebSocket on the HTTP listener (subprotocol mqtt).");
  public static final ConfigKey<String> WEBSOCKET_PATH = ConfigKey.string("mqtt.websocket.path", "/mqtt",
      "Path of the MQTT WebSocket endpoint on the HTTP listener.");

  public static final ConfigKey<Long> MAX_PACKET_SIZE = ConfigKey.size("mqtt.max-packet-size", 1L << 20, 64,
      268_435_460L, "Largest packet a client may send, announced in CONNACK; bounds memory per connection. "
          + "Larger packets end the connection with reason 0x95 (packet too large).");
  public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.duration("mqtt.connect-timeout",
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5),
      "A connection that has not sent CONNECT within this time is closed; stops idle sockets from holding slots.");
  public static final ConfigKey<Duration> MAX_KEEP_ALIVE = ConfigKey.duration("mqtt.keep-alive.max",
      Duration.ofMinutes(20), Duration.ofSeconds(1), Duration.ofSeconds(65_535),
      "Longest keepalive granted; MQTT 5 clients asking for more (or for none) get this as server keep alive, "
          + "so dead connections are found within 1.5 times it.");
  public static final ConfigKey<Duration> CLUSTER_CONFIRM_TIMEOUT = ConfigKey.duration("mqtt.cluster.confirm-timeout",
      Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1),
      "In a cluster, how long a QoS 1/2 publish waits for the other nodes to confirm they stored their subscribers' "
          + "copies; without every confirm by then the publisher is disconnected unacknowledged, so it sends it again.");
  public static final ConfigKey<Integer> RECEIVE_MAXIMUM = ConfigKey.integer("mqtt.receive-maximum", 1024, 1, 65_535,
      "QoS 1/2 messages a client may have in flight to the broker (receive maximum); bounds unacknowledged state.");
  public static final ConfigKey<Integer> MAX_INFLIGHT = ConfigKey.integer("mqtt.max-inflight", 64, 1, 65_535,
      "QoS 1/2 messages the broker has in flight to one client at most (lower if the client's receive maximum is).");
  public static final ConfigKey<Integer> MAX_QUEUED = ConfigKey.integer("mqtt.max-queued-messages", 1000, 1,
      10_000_000, "QoS 1/2 messages queued per session beyond the in-flight window (offline or slow clients); "
          + "bounds the memory and storage one client can take.");
  public static final ConfigKey<QueueFullPolicy> QUEUE_FULL_POLICY = ConfigKey.choice("mqtt.queue-full-policy",
      QueueFullPolicy.class, QueueFullPolicy.DROP_NEW, "When a session's queue is full: drop-new (keep the queue) "
          + "or drop-oldest. Dropped messages are counted in parley_mqtt_messages_dropped_total.");
  public static final ConfigKey<Integer> MAX_TOPIC_LEVELS = ConfigKey.integer("mqtt.max-topic-levels", 32, 1, 1024,
      "Most levels in a topic name or filter; deep topics cost trie depth on every publish.");
  public static final ConfigKey<Integer> TOPIC_ALIAS_MAXIMUM = ConfigKey.integer("mqtt.topic-alias-maximum", 64, 0,
      65_535, "Topic aliases a client may define (MQTT 5), and the most the broker uses towards a client.");
  public static final ConfigKey<Integer> MAX_CLIENT_ID_LENGTH = ConfigKey.integer("mqtt.max-client-id-length", 256,
      23, 65_535, "Longest client identifier accepted.");
  public static final ConfigKey<Duration> MAX_SESSION_EXPIRY = ConfigKey.duration("mqtt.session.max-expiry",
      Duration.ofDays(30), Duration.ZERO, Duration.ofSeconds(4_294_967_294L),
      "Longest time a disconnected session (and its queue) is kept; 3.1.1 persistent sessions get this.");
  public static final ConfigKey<Boolean> RETAIN_ENABLED = ConfigKey.bool("mqtt.retain.enabled", true,
      "Whether retained messages are kept.");
  public static final ConfigKey<Integer> MAX_RETAINED = ConfigKey.integer("mqtt.retain.max-messages", 100_000, 0,
      100_000_000, "Retained messages kept at most; beyond it a new retained topic is refused (reason 0x97).");

  public static final ConfigKey<Boolean> ANONYMOUS_LOOPBACK = ConfigKey.bool("mqtt.auth.anonymous-loopback", true,
      "Clients on this machine may connect without credentials (as 'anonymous'). Switch off in production.");
  public static final ConfigKey<Boolean> ANONYMOUS = ConfigKey.bool("mqtt.auth.anonymous", false,
      "Clients from anywhere may connect without credentials (as 'anonymous').");
  public static final ConfigKey<List<String>> DEVICES = ConfigKey.list("mqtt.auth.devices", List.of(),
      "Static device credentials, each 'name:password' or 'name:sha256:<hex of SHA-256(password)>'; the name "
          + "acts as the user id in access rules.");
  public static final ConfigKey<List<String>> ACL = ConfigKey.list("mqtt.acl", AclDefaults.RULES,
      "Access rules, first match wins, no match denies: '<allow|deny> <publish|subscribe|all> "
          + "<anonymous|authenticated|any|user:ID> <filter>'; {userId} and {clientId} expand in the filter.");

  public static final ConfigKey<Boolean> PUSH_ENABLED = ConfigKey.bool("mqtt.push.enabled", true,
      "Publish IM messages for users with no online IM device to users/{userId}/messages.");

  /** Every key. */
  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(TCP.all());
    keys.addAll(List.of(SECURE_ENABLED, SECURE_HOST, SECURE_PORT, SECURE_MAX_PER_IP, WEBSOCKET_ENABLED, WEBSOCKET_PATH,
        MAX_PACKET_SIZE, CONNECT_TIMEOUT, MAX_KEEP_ALIVE, RECEIVE_MAXIMUM, MAX_INFLIGHT, MAX_QUEUED,
        QUEUE_FULL_POLICY, MAX_TOPIC_LEVELS, TOPIC_ALIAS_MAXIMUM, MAX_CLIENT_ID_LENGTH, MAX_SESSION_EXPIRY,
        RETAIN_ENABLED, MAX_RETAINED, ANONYMOUS_LOOPBACK, ANONYMOUS, DEVICES, ACL, PUSH_ENABLED,
        CLUSTER_CONFIRM_TIMEOUT));
    return keys;
  }
}
