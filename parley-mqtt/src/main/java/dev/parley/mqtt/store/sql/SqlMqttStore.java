package dev.parley.mqtt.store.sql;

import dev.parley.core.store.Storage;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.SqlFunction;
import dev.parley.core.store.jdbc.StoreOverloadedException;
import dev.parley.core.store.jdbc.WriteOp;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.StoredProps;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.StoredSession;
import dev.parley.mqtt.store.SubscriptionRow;
import dev.parley.mqtt.store.WillCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's rows in the server's SQLite database. Every write goes through the group-commit
 * writer and returns at once (fire and forget) unless a caller needs to know it is durable (a QoS
 * 1/2 publish whose message was queued for a persistent session or retained).
 */
public final class SqlMqttStore implements MqttStore {
  private static final Logger log = LoggerFactory.getLogger(SqlMqttStore.class);

  private final Storage db;
  private final GroupCommitWriter writer;
  private final AtomicLong nextQueueId = new AtomicLong();

  /** Opens the store on {@code db}, bringing the MQTT schema up to date first. */
  public SqlMqttStore(Storage db) {
    db.migrate("mqtt", MqttMigrations.of(db.backend()));
    this.db = db;
    this.writer = db.writer();
  }

  /** Set in a cluster: ids unique across the nodes sharing the database. */
  private volatile ClusterQueueIds clusterIds;

  @Override
  public long nextQueueId() {
    ClusterQueueIds ids = clusterIds;
    return ids == null ? nextQueueId.incrementAndGet() : ids.next();
  }

  @Override
  public void useClusterQueueIds(LongSupplier millis) {
    int slot = db.backend() != StoreBackend.POSTGRES ? 0 : db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT nextval('mqtt_node_slots')");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return (int) rs.getLong(1);
      }
    }).join();
    clusterIds = new ClusterQueueIds(millis, slot);
  }

  // --- durable writes (the caller waits for them) ----------------------------------------

  @Override
  public CompletableFuture<Void> insertQueued(List<QueuedRow> rows) {
    return write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mqtt_queue (id, session_key, packet_id, released,"
          + " topic, qos, retain, payload, props, expires_at, subscription_ids) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?)")) {
        for (QueuedRow r : rows) {
          ps.setLong(1, r.id());
          ps.setLong(2, r.sessionKey());
          ps.setString(3, r.message().topic());
          ps.setInt(4, r.qos());
          ps.setInt(5, r.retain() ? 1 : 0);
          ps.setBytes(6, r.message().payload());
          ps.setBytes(7, StoredProps.encode(r.message().props()));
          ps.setLong(8, r.message().expiresAtMillis());
          ps.setString(9, ids(r.subIds()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> saveRetained(AppMessage m) {
    return write(c -> {
      if (m.payload().length == 0) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM mqtt_retained WHERE topic = ?")) {
          ps.setString(1, m.topic());
          ps.executeUpdate();
        }
        return null;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mqtt_retained (topic, qos, payload, props, expires_at)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (topic) DO UPDATE SET qos = excluded.qos, payload = excluded.payload,"
          + " props = excluded.props, expires_at = excluded.expires_at")) {
        ps.setString(1, m.topic());
        ps.setInt(2, m.qos());
        ps.setBytes(3, m.payload());
        ps.setBytes(4, StoredProps.encode(m.props()));
        ps.setLong(5, m.expiresAtMillis());
        ps.executeUpdate();
      }
      return null;
    });
  }

  private <T> CompletableFuture<T> write(SqlFunction<T> work) {
    try {
      return writer.write(work);
    } catch (StoreOverloadedException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // --- session writes (fire and forget) ---------------------------------------------------

  private void submit(String what, SqlFunction<Void> work) {
    try {
      writer.submit(new WriteOp() {
        @Override
        public void apply(Connection connection) throws SQLException {
          work.apply(connection);
        }

        @Override
        public void committed() {}

        @Override
        public void failed(Throwable cause) {
          log.error("mqtt store: {} failed: {}", what, cause.toString());
        }
      });
    } catch (StoreOverloadedException | IllegalStateException e) {
      log.error("mqtt store: {} not written: {}", what, e.getMessage());
    }
  }

  private void update(String what, String sql, Object... args) {
    submit(what, c -> {
      execute(c, sql, args);
      return null;
    });
  }

  private static void execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (a == null) {
          ps.setNull(i + 1, Types.NULL);
        } else if (a instanceof byte[] b) {
          ps.setBytes(i + 1, b);
        } else {
          ps.setObject(i + 1, a);
        }
      }
      ps.executeUpdate();
    }
  }

  @Override
  public void saveSession(SessionRow r) {
    Object[] row = {r.key(), r.clientId(), r.level(), r.expirySeconds(), r.disconnectedAt(), r.userId(),
        r.will() == null ? null : WillCodec.encode(r.will()), r.willDueAt()};
    String columns = "mqtt_sessions (session_key, client_id, level, expiry_seconds, disconnected_at, user_id, will,"
        + " will_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    if (db.backend() != StoreBackend.POSTGRES) {
      update("save session", "INSERT OR REPLACE INTO " + columns, row);
      return;
    }
    // REPLACE also drops the row of the same client id under another key; an upsert does not.
    submit("save session", c -> {
      execute(c, "DELETE FROM mqtt_sessions WHERE client_id = ? AND session_key <> ?", r.clientId(), r.key());
      execute(c, "INSERT INTO " + columns + " ON CONFLICT (session_key) DO UPDATE SET client_id = excluded.client_id,"
          + " level = excluded.level, expiry_seconds = excluded.expiry_seconds,"
          + " disconnected_at = excluded.disconnected_at, user_id = excluded.user_id, will = excluded.will,"
          + " will_due_at = excluded.will_due_at", row);
      return null;
    });
  }

  @Override
  public void deleteSession(long key) {
    submit("delete session", c -> {
      for (String table : new String[] {"mqtt_sessions", "mqtt_subscriptions", "mqtt_queue", "mqtt_inbound_qos2"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE session_key = ?")) {
          ps.setLong(1, key);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public void saveSubscription(long key, SubscriptionRow e) {
    update("save subscription", "INSERT INTO mqtt_subscriptions (session_key, filter, options,"
        + " subscription_id) VALUES (?, ?, ?, ?) ON CONFLICT (session_key, filter) DO UPDATE SET"
        + " options = excluded.options, subscription_id = excluded.subscription_id", key, e.filter(), e.options(), e.subscriptionId());
  }

  @Override
  public void deleteSubscription(long key, String filter) {
    update("delete subscription", "DELETE FROM mqtt_subscriptions WHERE session_key = ? AND filter = ?", key, filter);
  }

  @Override
  public void setPacketId(long storeId, int packetId) {
    update("set packet id", "UPDATE mqtt_queue SET packet_id = ? WHERE id = ?", packetId, storeId);
  }

  @Override
  public void markReleased(long storeId) {
    update("mark released", "UPDATE mqtt_queue SET released = 1 WHERE id = ?", storeId);
  }

  @Override
  public void deleteQueued(long storeId) {
    update("delete queued", "DELETE FROM mqtt_queue WHERE id = ?", storeId);
  }

  @Override
  public void addInbound(long key, int packetId) {
    update("add inbound", "INSERT INTO mqtt_inbound_qos2 (session_key, packet_id) VALUES (?, ?)"
        + " ON CONFLICT DO NOTHING", key,
        packetId);
  }

  @Override
  public void removeInbound(long key, int packetId) {
    update("remove inbound", "DELETE FROM mqtt_inbound_qos2 WHERE session_key = ? AND packet_id = ?", key, packetId);
  }

  // --- loading at start --------------------------------------------------------------------

  @Override
  public List<StoredSession> loadSessions() {
    return db.read(c -> {
      List<StoredSession> all = load(c, null);
      // Above every row, orphans too (purged after this).
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM mqtt_queue"); ResultSet rs = ps.executeQuery()) {
        nextQueueId.set(rs.next() ? rs.getLong(1) : 0);
      }
      return all;
    }).join();
  }

  @Override
  public CompletableFuture<StoredSession> loadSession(String clientId) {
    return flush().thenCompose(done -> db.read(c -> {
      List<StoredSession> found = load(c, clientId);
      StoredSession s = found.isEmpty() ? null : found.get(0);
      if (s != null && clusterIds != null) {
        long max = s.messages().stream().mapToLong(StoredSession.QueuedMessage::id).max().orElse(0);
        clusterIds.seen(max);
      }
      return s;
    }));
  }

  /** The sessions stored (of {@code clientId} only, when not null) with everything they hold. */
  private static List<StoredSession> load(Connection c, String clientId) throws SQLException {
    Map<Long, StoredSession> sessions = new LinkedHashMap<>();
    String one = clientId == null ? "" : " WHERE session_key IN (SELECT session_key FROM mqtt_sessions"
        + " WHERE client_id = ?)";
    try (PreparedStatement ps = c.prepareStatement("SELECT session_key, client_id, level, expiry_seconds,"
        + " disconnected_at, user_id, will, will_due_at FROM mqtt_sessions" + one)) {
      try (ResultSet rs = query(ps, clientId)) {
        while (rs.next()) {
          SessionRow row = new SessionRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(5),
              rs.getString(6), will(rs.getString(2), rs.getBytes(7)), rs.getLong(8));
          sessions.put(row.key(), StoredSession.of(row));
        }
      }
    }
    if (sessions.isEmpty()) {
      return List.of();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT session_key, filter, options, subscription_id"
        + " FROM mqtt_subscriptions" + one); ResultSet rs = query(ps, clientId)) {
      while (rs.next()) {
        StoredSession s = sessions.get(rs.getLong(1));
        if (s != null) {
          s.subscriptions().add(new SubscriptionRow(rs.getString(2), rs.getInt(3), rs.getInt(4)));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id, session_key, packet_id, released, topic, qos,"
        + " retain, payload, props, expires_at, subscription_ids FROM mqtt_queue" + one + " ORDER BY id");
        ResultSet rs = query(ps, clientId)) {
      while (rs.next()) {
        StoredSession s = sessions.get(rs.getLong(2));
        if (s == null) {
          continue;
        }
        AppMessage m = new AppMessage(rs.getString(5), rs.getBytes(8), rs.getInt(6), rs.getInt(7) == 1,
            StoredProps.decode(rs.getBytes(9)), rs.getLong(10), null);
        s.messages().add(new StoredSession.QueuedMessage(rs.getLong(1), m, rs.getInt(6), rs.getInt(7) == 1,
            parseIds(rs.getString(11)), rs.getInt(3), rs.getInt(4) == 1));
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT session_key, packet_id FROM mqtt_inbound_qos2" + one);
        ResultSet rs = query(ps, clientId)) {
      while (rs.next()) {
        StoredSession s = sessions.get(rs.getLong(1));
        if (s != null) {
          s.inbound().add(rs.getInt(2));
        }
      }
    }
    return new ArrayList<>(sessions.values());
  }

  private static ResultSet query(PreparedStatement ps, String clientId) throws SQLException {
    if (clientId != null) {
      ps.setString(1, clientId);
    }
    return ps.executeQuery();
  }

  @Override
  public CompletableFuture<Void> flush() {
    return write(c -> null);
  }

  @Override
  public void purgeOrphans() {
    submit("purge orphans", c -> {
      for (String table : new String[] {"mqtt_subscriptions", "mqtt_queue", "mqtt_inbound_qos2"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
            + " WHERE session_key NOT IN (SELECT session_key FROM mqtt_sessions)")) {
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public void loadRetained(Consumer<AppMessage> sink) {
    List<AppMessage> all = db.read(c -> {
      List<AppMessage> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT topic, qos, payload, props, expires_at FROM mqtt_retained");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new AppMessage(rs.getString(1), rs.getBytes(3), rs.getInt(2), true, StoredProps.decode(rs.getBytes(4)),
              rs.getLong(5), null));
        }
      }
      return out;
    }).join();
    all.forEach(sink);
  }

  private static WillMessage will(String clientId, byte[] stored) {
    if (stored == null) {
      return null;
    }
    try {
      return WillCodec.decode(stored);
    } catch (IllegalStateException e) {
      log.error("mqtt store: the stored will of {} is corrupt; the session is restored without it", clientId);
      return null;
    }
  }

  private static String ids(int[] ids) {
    if (ids.length == 0) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(id);
    }
    return b.toString();
  }

  private static int[] parseIds(String s) {
    if (s == null || s.isEmpty()) {
      return MqttPacket.Publish.NO_IDS;
    }
    String[] parts = s.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }
}
