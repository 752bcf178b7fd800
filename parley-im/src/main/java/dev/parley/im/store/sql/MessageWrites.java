package dev.parley.im.store.sql;

import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.RerunBatchException;
import dev.parley.core.store.jdbc.StatementCache;
import dev.parley.im.store.ImException;
import dev.parley.im.store.Outcomes;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.SendAck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes of messages, run on the writer thread: append (with client-id idempotency), recall,
 * read cursors. Sequence numbers come from {@link WriterState}.
 */
final class MessageWrites implements GroupCommitWriter.BatchListener {
  /** Sender of messages the server writes (group events, admin announcements). */
  static final String SERVER = "";

  private static final String INSERT = "INSERT INTO im_messages (conv, seq, sender, client_id, ts, kind, body, actor)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  /** On PostgreSQL only a resent client id may make an insert a no-op (see {@link #insert}). */
  private static final String ON_RESEND = " ON CONFLICT (sender, client_id) WHERE client_id IS NOT NULL DO NOTHING";
  /** The deferred rows' insert (PostgreSQL): one array per column, in the order of {@link #INSERT}. */
  private static final String UNNEST_INSERT = "INSERT INTO im_messages (conv, seq, sender, client_id, ts, kind, body,"
      + " actor) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::integer[],"
      + " ?::bytea[], ?::text[])" + ON_RESEND;
  private static final String[] ARRAY_TYPES = {"bigint", "bigint", "text", "text", "bigint", "integer", "bytea", "text"};

  private final WriterState state;
  private final Clock clock;
  /** The writer thread's hot statements. */
  private final StatementCache sql = new StatementCache();
  /**
   * On PostgreSQL a user's message is not inserted at once but kept until the batch's end (or
   * until something reads messages), then sent with the others in one insert
   * ({@link #flush}) rather than each in a round trip of its own. Its seq is taken as if the
   * insert stored a row; should one turn out a no-op (a resent client id), the whole batch is run
   * again row by row.
   */
  private final List<Row> deferred = new ArrayList<>();
  /** A deferred batch met a resent client id: insert row by row until a batch commits. */
  private boolean careful;

  MessageWrites(WriterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /**
   * Appends {@code draft} (sender, client id, kind and content set) to {@code cid}, creating a
   * direct or system conversation on first use. A client id stored before answers its first
   * SendAck as a duplicate and stores nothing.
   */
  Outcomes.Sent append(Connection c, String cid, Message draft, byte[] body) throws SQLException {
    long now = clock.millis();
    state.setNow(now);
    String sender = draft.getSender();
    ConvState s = state.find(c, cid);
    if (s == null) {
      if (!draft.getClientId().isEmpty()) {
        SendAck previous = findByClientId(c, sender, draft.getClientId());
        if (previous != null) {
          return new Outcomes.Sent(previous, null);
        }
      }
      s = createImplicit(c, cid, now);
    }
    if (!sender.equals(SERVER) && !s.isMember(sender)) {
      SendAck previous = draft.getClientId().isEmpty() ? null : findByClientId(c, sender, draft.getClientId());
      if (previous != null) {
        return new Outcomes.Sent(previous, null);
      }
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "only members of " + cid + " may send to it");
    }
    StoredMessage stored = insert(c, s, draft, body, now, null, true);
    if (stored == null) {
      // The client id was stored before (a resend): answer what was answered then.
      return new Outcomes.Sent(findByClientId(c, sender, draft.getClientId()), null);
    }
    return new Outcomes.Sent(null, stored);
  }

  private ConvState createImplicit(Connection c, String cid, long now) throws SQLException {
    Ids.Type type = Ids.typeOf(cid);
    if (type == Ids.Type.DIRECT) {
      String[] users = Ids.directUsers(cid);
      return state.create(c, cid, List.of(new ConvState.Member(users[0], Role.ROLE_MEMBER, 0, now),
          new ConvState.Member(users[1], Role.ROLE_MEMBER, 0, now)));
    }
    if (type == Ids.Type.SYSTEM) {
      return state.create(c, cid, List.of(new ConvState.Member(cid.substring(2), Role.ROLE_MEMBER, 0, now)));
    }
    throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, "no such conversation: " + cid);
  }

  /**
   * Stores the next message of {@code s}; the caller has checked the sender may send. Returns null,
   * storing nothing, when the sender's client id is already stored (a resend). {@code body} is
   * the draft's encoding (no conversation, seq or time: those are columns), made off the writer
   * thread when it can be; null to encode here.
   */
  StoredMessage insert(Connection c, ConvState s, Message draft, byte[] body, long now) throws SQLException {
    return insert(c, s, draft, body, now, null);
  }

  /**
   * {@link #insert(Connection, ConvState, Message, byte[], long)} of a system message that records
   * what {@code actor} did: it is not unread for the actor.
   */
  StoredMessage insert(Connection c, ConvState s, Message draft, byte[] body, long now, String actor)
      throws SQLException {
    return insert(c, s, draft, body, now, actor, false);
  }

  private StoredMessage insert(Connection c, ConvState s, Message draft, byte[] body, long now, String actor,
      boolean mayDefer) throws SQLException {
    long seq = s.seq + 1;
    Row row = new Row(s.id, seq, draft.getSender(), draft.getClientId().isEmpty() ? null : draft.getClientId(), now,
        draft.getKindValue(), body != null ? body : draft.toByteArray(), actor);
    if (mayDefer && state.shared() && !careful) {
      deferred.add(row);
    } else {
      flush(c);
      // The unique index on (sender, client_id) makes a resend a no-op; seq is not taken then. On
      // PostgreSQL only that index may: a (conv, seq) clash means another writer took the seq, and
      // must fail the batch rather than drop the message.
      PreparedStatement ps = sql.get(c, state.shared() ? INSERT + ON_RESEND : INSERT + " ON CONFLICT DO NOTHING");
      row.bind(ps, 0);
      if (ps.executeUpdate() == 0) {
        return null;
      }
    }
    s.seq = seq;
    state.touch(s);
    return new StoredMessage(draft, s.cid, seq, now, recipients(s));
  }

  static Set<String> recipients(ConvState s) {
    return s.members.keySet();
  }

  /** One message row as the insert binds it. */
  private record Row(long conv, long seq, String sender, String clientId, long ts, int kind, byte[] body,
      String actor) {
    void bind(PreparedStatement ps, int at) throws SQLException {
      ps.setLong(at + 1, conv);
      ps.setLong(at + 2, seq);
      ps.setString(at + 3, sender);
      ps.setString(at + 4, clientId);
      ps.setLong(at + 5, ts);
      ps.setInt(at + 6, kind);
      ps.setBytes(at + 7, body);
      ps.setString(at + 8, actor);
    }
  }

  /**
   * Sends the deferred inserts, all in one statement whatever their number (one array per column,
   * unnested into rows, so a batch costs one round trip and one prepared plan): before anything on
   * the writer reads or changes stored messages (every such place here calls it), and before the
   * batch commits. Throws {@link RerunBatchException} when a row stored nothing.
   */
  void flush(Connection c) throws SQLException {
    if (deferred.isEmpty()) {
      return;
    }
    try {
      int n = deferred.size();
      Object[][] columns = {new Long[n], new Long[n], new String[n], new String[n], new Long[n], new Integer[n],
          new byte[n][], new String[n]};
      for (int i = 0; i < n; i++) {
        Row r = deferred.get(i);
        columns[0][i] = r.conv();
        columns[1][i] = r.seq();
        columns[2][i] = r.sender();
        columns[3][i] = r.clientId();
        columns[4][i] = r.ts();
        columns[5][i] = r.kind();
        columns[6][i] = r.body();
        columns[7][i] = r.actor();
      }
      PreparedStatement ps = sql.get(c, UNNEST_INSERT);
      for (int k = 0; k < columns.length; k++) {
        ps.setArray(k + 1, c.createArrayOf(ARRAY_TYPES[k], columns[k]));
      }
      if (ps.executeUpdate() != n) {
        careful = true;
        throw new RerunBatchException("a resent client id among the batch's messages");
      }
    } finally {
      deferred.clear();
    }
  }

  @Override
  public void beforeCommit(Connection c) throws SQLException {
    flush(c);
  }

  @Override
  public void afterCommit() {
    careful = false;
  }

  @Override
  public void afterRollback() {
    deferred.clear();
  }

  private SendAck findByClientId(Connection c, String sender, String clientId) throws SQLException {
    flush(c);
    PreparedStatement ps = sql.get(c, "SELECT v.cid, m.seq, m.ts FROM im_messages m"
        + " JOIN im_conversations v ON v.id = m.conv WHERE m.sender = ? AND m.client_id = ?");
    ps.setString(1, sender);
    ps.setString(2, clientId);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return SendAck.newBuilder().setClientId(clientId).setConversation(rs.getString(1)).setSeq(rs.getLong(2))
          .setTimestamp(rs.getLong(3)).setDuplicate(true).build();
    }
  }


  /**
   * Recalls {@code seq} of {@code cid}: the message keeps its place with its content gone, and a
   * RECALL message tells every device.
   */
  Outcomes.Sent recall(Connection c, String user, String clientId, String cid, long seq, long windowMillis)
      throws SQLException {
    long now = clock.millis();
    state.setNow(now);
    // It reads and changes stored messages, some of which may still be deferred.
    flush(c);
    SendAck previous = findByClientId(c, user, clientId);
    if (previous != null) {
      return new Outcomes.Sent(previous, null);
    }
    ConvState s = state.find(c, cid);
    if (s == null || !s.isMember(user)) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of " + cid);
    }
    Message original = read(c, s, seq);
    if (original == null) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_FOUND, "no message " + seq + " in " + cid);
    }
    if (!original.getSender().equals(user)) {
      throw new ImException(ErrorCode.ERROR_CODE_RECALL_NOT_ALLOWED, "only the sender may recall a message");
    }
    if (original.getRecalled() || original.getKind() == MessageKind.MESSAGE_KIND_RECALL
        || original.getKind() == MessageKind.MESSAGE_KIND_SYSTEM) {
      throw new ImException(ErrorCode.ERROR_CODE_RECALL_NOT_ALLOWED, "this message cannot be recalled");
    }
    if (now - original.getTimestamp() > windowMillis) {
      throw new ImException(ErrorCode.ERROR_CODE_RECALL_NOT_ALLOWED,
          "the recall window of " + windowMillis / 1000 + " s has passed");
    }
    Message cleared = original.toBuilder().clearConversation().clearSeq().clearTimestamp().clearText().clearCustom()
        .setRecalled(true).build();
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE im_messages SET recalled = 1, body = ? WHERE conv = ? AND seq = ?")) {
      ps.setBytes(1, cleared.toByteArray());
      ps.setLong(2, s.id);
      ps.setLong(3, seq);
      ps.executeUpdate();
    }
    Message draft = Message.newBuilder().setSender(user).setClientId(clientId)
        .setKind(MessageKind.MESSAGE_KIND_RECALL).setRecalledSeq(seq).build();
    StoredMessage stored = insert(c, s, draft, null, now);
    return stored == null ? new Outcomes.Sent(findByClientId(c, user, clientId), null) : new Outcomes.Sent(null, stored);
  }

  static Message read(Connection c, ConvState s, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT ts, body FROM im_messages WHERE conv = ? AND seq = ?")) {
      ps.setLong(1, s.id);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? ImReads.message(s.cid, seq, rs.getLong(1), rs.getBytes(2)) : null;
      }
    }
  }


  /**
   * Moves {@code user}'s read cursor in {@code cid} forward to {@code seq} (clamped to the last
   * message). Returns who should be told: the user's own devices and, for direct conversations
   * and small groups, the other members.
   */
  Outcomes.ReadMoved markRead(Connection c, String user, String cid, long seq, int receiptLimit) throws SQLException {
    ConvState s = state.find(c, cid);
    if (s == null || !s.isMember(user)) {
      throw new ImException(ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of " + cid);
    }
    long target = Math.min(seq, s.seq);
    long stored;
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_members SET read_seq = " + state.greatest() + "(read_seq, ?)"
        + " WHERE conv = ? AND \"user\" = ?")) {
      ps.setLong(1, target);
      ps.setLong(2, s.id);
      ps.setString(3, user);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT read_seq FROM im_members WHERE conv = ? AND \"user\" = ?")) {
      ps.setLong(1, s.id);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        stored = rs.next() ? rs.getLong(1) : target;
      }
    }
    Set<String> notify = s.type == Ids.Type.GROUP && s.members.size() > receiptLimit ? Set.of(user) : recipients(s);
    return new Outcomes.ReadMoved(cid, user, stored, notify);
  }

  /** Raises delivered cursors (from device acknowledgements); unknown conversations are skipped. */
  void markDelivered(Connection c, Map<String, Map<String, Long>> byConversation) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE im_members SET delivered_seq = " + state.greatest()
        + "(delivered_seq, ?) WHERE conv = (SELECT id FROM im_conversations WHERE cid = ?) AND \"user\" = ?")) {
      for (Map.Entry<String, Map<String, Long>> conv : byConversation.entrySet()) {
        for (Map.Entry<String, Long> e : conv.getValue().entrySet()) {
          ps.setLong(1, e.getValue());
          ps.setString(2, conv.getKey());
          ps.setString(3, e.getKey());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** Records when users went offline. */
  void lastSeen(Connection c, Map<String, Long> seen) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO im_users (\"user\", last_seen) VALUES (?, ?)"
        + " ON CONFLICT (\"user\") DO UPDATE SET last_seen = " + state.greatest()
        + "(im_users.last_seen, excluded.last_seen)")) {
      for (Map.Entry<String, Long> e : seen.entrySet()) {
        ps.setString(1, e.getKey());
        ps.setLong(2, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
