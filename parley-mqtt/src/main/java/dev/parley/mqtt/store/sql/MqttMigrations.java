package dev.parley.mqtt.store.sql;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.Migration;
import java.util.List;

/** The broker's schema. Sessions are keyed by a random per-session key, so rows of an ended session never leak into a new one. */
public final class MqttMigrations {
  private MqttMigrations() {}

  /** The steps in {@code backend}'s SQL. */
  public static List<Migration> of(StoreBackend backend) {
    return backend == StoreBackend.POSTGRES ? postgres() : sqlite();
  }

  private static List<Migration> sqlite() {
    return List.of(new Migration(1, "sessions, subscriptions, queued and retained messages", List.of(
        "CREATE TABLE mqtt_sessions (session_key INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE,"
            + " level INTEGER NOT NULL, expiry_seconds INTEGER NOT NULL, disconnected_at INTEGER NOT NULL,"
            + " user_id TEXT, will BLOB, will_due_at INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE mqtt_subscriptions (session_key INTEGER NOT NULL, filter TEXT NOT NULL,"
            + " options INTEGER NOT NULL, subscription_id INTEGER NOT NULL, PRIMARY KEY (session_key, filter))",
        "CREATE TABLE mqtt_queue (id INTEGER PRIMARY KEY, session_key INTEGER NOT NULL, packet_id INTEGER NOT NULL,"
            + " released INTEGER NOT NULL, topic TEXT NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,"
            + " payload BLOB NOT NULL, props BLOB, expires_at INTEGER NOT NULL, subscription_ids TEXT)",
        "CREATE INDEX mqtt_queue_session ON mqtt_queue (session_key, id)",
        "CREATE TABLE mqtt_inbound_qos2 (session_key INTEGER NOT NULL, packet_id INTEGER NOT NULL,"
            + " PRIMARY KEY (session_key, packet_id))",
        "CREATE TABLE mqtt_retained (topic TEXT PRIMARY KEY, qos INTEGER NOT NULL, payload BLOB NOT NULL,"
            + " props BLOB, expires_at INTEGER NOT NULL)")));
  }

  /** The same schema in PostgreSQL: 64-bit integers (keys and times), BYTEA payloads. */
  private static List<Migration> postgres() {
    return List.of(new Migration(1, "sessions, subscriptions, queued and retained messages", List.of(
        "CREATE TABLE mqtt_sessions (session_key BIGINT PRIMARY KEY, client_id TEXT NOT NULL UNIQUE,"
            + " level INTEGER NOT NULL, expiry_seconds BIGINT NOT NULL, disconnected_at BIGINT NOT NULL,"
            + " user_id TEXT, will BYTEA, will_due_at BIGINT NOT NULL DEFAULT 0)",
        "CREATE TABLE mqtt_subscriptions (session_key BIGINT NOT NULL, filter TEXT NOT NULL,"
            + " options INTEGER NOT NULL, subscription_id INTEGER NOT NULL, PRIMARY KEY (session_key, filter))",
        "CREATE TABLE mqtt_queue (id BIGINT PRIMARY KEY, session_key BIGINT NOT NULL, packet_id INTEGER NOT NULL,"
            + " released INTEGER NOT NULL, topic TEXT NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,"
            + " payload BYTEA NOT NULL, props BYTEA, expires_at BIGINT NOT NULL, subscription_ids TEXT)",
        "CREATE INDEX mqtt_queue_session ON mqtt_queue (session_key, id)",
        "CREATE TABLE mqtt_inbound_qos2 (session_key BIGINT NOT NULL, packet_id INTEGER NOT NULL,"
            + " PRIMARY KEY (session_key, packet_id))",
        "CREATE TABLE mqtt_retained (topic TEXT PRIMARY KEY, qos INTEGER NOT NULL, payload BYTEA NOT NULL,"
            + " props BYTEA, expires_at BIGINT NOT NULL)")),
        new Migration(2, "one slot per node start, for queued message ids unique across the cluster",
            List.of("CREATE SEQUENCE mqtt_node_slots")));
  }
}
