package dev.parley.im.store.sql;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.WriteOp;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writer thread's cache of conversations. Sequence numbers are assigned here, so they are
 * gap-free and ordered by commit. State touched by a batch is written back (last_seq) before the
 * batch commits, published after, and dropped from the cache if the batch rolls back, so the next
 * use reloads the truth from the database.
 *
 * <p>On PostgreSQL several nodes write into one database, so the cache is checked once per batch:
 * before its ops run, a batch locks the rows of every conversation its ops name (held until the
 * batch commits), in one statement and in the order of their ids, so two nodes' batches never
 * wait for each other in a cycle; a conversation whose stored last_seq moved past what this node
 * committed was written by another node and is reloaded. A conversation an op reaches without
 * naming it up front is locked the first time the batch uses it. SQLite has one writer and trusts
 * the cache.
 */
final class WriterState implements GroupCommitWriter.BatchListener {
  private final StoreBackend backend;
  private final int maxCached;
  private final Memberships memberships;
  /** Last committed seq of each cached conversation, readable from any thread. */
  private final Map<String, Long> heads;
  private final LinkedHashMap<String, ConvState> cache = new LinkedHashMap<>(1024, 0.75f, true);
  private final Set<ConvState> touched = new HashSet<>();
  private final List<ConvState> touchedOrder = new ArrayList<>();
  /** Whether other writers share the database (PostgreSQL), so the cache is checked per batch. */
  private final boolean shared;
  /** Conversations whose row the current batch has locked and checked (PostgreSQL only). */
  private final Set<ConvState> locked = new HashSet<>();
  private long now;
  /** What must reach the database before this state reads messages (deferred inserts). */
  private Flush beforeMessageReads = c -> { };

  WriterState(StoreBackend backend, int maxCached, Memberships memberships, Map<String, Long> heads) {
    this.backend = backend;
    this.maxCached = maxCached;
    this.memberships = memberships;
    this.heads = heads;
    this.shared = backend == StoreBackend.POSTGRES;
  }

  /** Marks a conversation as changed by the current batch. */
  void touch(ConvState s) {
    if (touched.add(s)) {
      touchedOrder.add(s);
    }
  }

  void setNow(long millis) {
    this.now = millis;
  }

  /** The conversation, loaded from the database if needed; null when it does not exist. */
  ConvState find(Connection c, String cid) throws SQLException {
    ConvState s = cache.get(cid);
    if (s != null) {
      if (!shared || locked.contains(s) || lockedSeq(c, s.id) <= s.committedSeq) {
        locked.add(s);
        return s;
      }
      // Another node wrote since this one cached the conversation: its seq and members are stale.
      cache.remove(cid);
      heads.remove(cid);
      memberships.forget(cid);
    }
    String select = "SELECT id, last_seq FROM im_conversations WHERE cid = ?";
    try (PreparedStatement ps = c.prepareStatement(shared ? select + " FOR UPDATE" : select)) {
      ps.setString(1, cid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        s = new ConvState(rs.getLong(1), cid, Ids.typeOf(cid), rs.getLong(2), Map.of());
      }
    }
    // The stored last_seq is written once per batch; the messages themselves are the truth.
    beforeMessageReads.run(c);
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM im_messages WHERE conv = ?")) {
      ps.setLong(1, s.id);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          s.seq = Math.max(s.seq, rs.getLong(1));
          s.committedSeq = s.seq;
        }
      }
    }
    s.members = loadMembers(c, s.id);
    if (s.type == Ids.Type.GROUP) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT group_id, name, owner, created_at FROM im_groups WHERE conv = ?")) {
        ps.setLong(1, s.id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            s.groupId = rs.getString(1);
            s.name = rs.getString(2);
            s.owner = rs.getString(3);
            s.createdAt = rs.getLong(4);
          }
        }
      }
      memberships.fill(cid, s.members.keySet());
    }
    cache.put(cid, s);
    heads.put(cid, s.committedSeq);
    if (shared) {
      locked.add(s);
    }
    return s;
  }

  /**
   * Locks the rows of the conversations {@code batch}'s ops name, in id order, and checks the
   * cached ones against the stored last_seq (PostgreSQL only).
   */
  @Override
  public void beforeOps(Connection c, List<WriteOp> batch) throws SQLException {
    if (!shared) {
      return;
    }
    Set<String> cids = new HashSet<>();
    for (WriteOp op : batch) {
      if (op instanceof ImOp<?> im && im.conversation() != null) {
        cids.add(im.conversation());
      }
    }
    if (cids.isEmpty()) {
      return;
    }
    Set<String> found = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT cid, last_seq FROM im_conversations WHERE cid = ANY(?) ORDER BY id FOR UPDATE")) {
      ps.setArray(1, c.createArrayOf("text", cids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
          ConvState s = cache.get(rs.getString(1));
          if (s != null && rs.getLong(2) <= s.committedSeq) {
            locked.add(s);
          } else if (s != null) {
            forget(s);
          }
        }
      }
    }
    for (String cid : cids) {
      ConvState s = found.contains(cid) ? null : cache.get(cid);
      if (s != null) {
        forget(s);
      }
    }
  }

  /** Locks a conversation's row until the batch ends and gives its stored last_seq (MAX_VALUE if gone). */
  private static long lockedSeq(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM im_conversations WHERE id = ? FOR UPDATE")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
      }
    }
  }

  private static Map<String, ConvState.Member> loadMembers(Connection c, long conv) throws SQLException {
    Map<String, ConvState.Member> members = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT \"user\", role, joined_seq, joined_at FROM im_members"
        + " WHERE conv = ? AND left_seq IS NULL ORDER BY joined_at, \"user\"")) {
      ps.setLong(1, conv);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          members.put(rs.getString(1), new ConvState.Member(rs.getString(1), Role.forNumber(rs.getInt(2)),
              rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    return Collections.unmodifiableMap(members);
  }

  /**
   * Creates a conversation with its first members (all joined at seq 0). On PostgreSQL another node
   * may create the same (direct or system) conversation at the same time: then that one is used.
   */
  ConvState create(Connection c, String cid, List<ConvState.Member> members) throws SQLException {
    long id = insertConversation(c, cid);
    if (id < 0) {
      ConvState existing = find(c, cid);
      if (existing == null) {
        throw new SQLException("conversation " + cid + " was neither created nor found");
      }
      return existing;
    }
    Map<String, ConvState.Member> map = new LinkedHashMap<>();
    for (ConvState.Member m : members) {
      upsertMember(c, id, m);
      map.put(m.user(), m);
    }
    ConvState s = new ConvState(id, cid, Ids.typeOf(cid), 0, Collections.unmodifiableMap(map));
    s.membersChanged = true;
    cache.put(cid, s);
    if (shared) {
      locked.add(s);
    }
    touch(s);
    return s;
  }

  void upsertMember(Connection c, long conv, ConvState.Member m) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO im_members (conv, \"user\", role, joined_seq, left_seq,"
        + " read_seq, joined_at) VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (conv, \"user\") DO UPDATE SET"
        + " role = excluded.role, joined_seq = excluded.joined_seq, left_seq = NULL, joined_at = excluded.joined_at,"
        + " read_seq = " + greatest() + "(im_members.read_seq, excluded.read_seq)")) {
      ps.setLong(1, conv);
      ps.setString(2, m.user());
      ps.setInt(3, m.role().getNumber());
      ps.setLong(4, m.joinedSeq());
      ps.setLong(5, m.joinedSeq());
      ps.setLong(6, m.joinedAt());
      ps.executeUpdate();
    }
  }

  /** The new conversation's id; -1 when another writer created it first (PostgreSQL only). */
  private long insertConversation(Connection c, String cid) throws SQLException {
    String insert = "INSERT INTO im_conversations (cid, type, last_seq, updated_at) VALUES (?, ?, 0, ?)";
    // A racing insert of the same cid waits for the other transaction and then inserts nothing.
    try (PreparedStatement ps = c.prepareStatement(shared ? insert + " ON CONFLICT (cid) DO NOTHING RETURNING id" : insert)) {
      ps.setString(1, cid);
      ps.setInt(2, Ids.typeOf(cid).ordinal());
      ps.setLong(3, now);
      if (shared) {
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : -1;
        }
      }
      ps.executeUpdate();
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Writes on the writer connection that must reach the database before it reads messages. */
  @FunctionalInterface
  interface Flush {
    void run(Connection c) throws SQLException;
  }

  /** Sets what runs before this state reads messages on the writer connection. */
  void beforeMessageReads(Flush flush) {
    this.beforeMessageReads = flush;
  }

  /** Whether other writers share the database (PostgreSQL). */
  boolean shared() {
    return shared;
  }

  /** The function that gives the larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST. */
  String greatest() {
    return backend == StoreBackend.POSTGRES ? "GREATEST" : "MAX";
  }

  /** Replaces the member map (copy-on-write) and marks the change for publication. */
  void setMembers(ConvState s, Map<String, ConvState.Member> members) {
    s.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    s.membersChanged = true;
    touch(s);
  }

  @Override
  public void beforeCommit(Connection c) throws SQLException {
    if (touchedOrder.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE im_conversations SET last_seq = ?, updated_at = ? WHERE id = ? AND last_seq < ?")) {
      for (ConvState s : touchedOrder) {
        if (s.seq > s.committedSeq) {
          ps.setLong(1, s.seq);
          ps.setLong(2, now);
          ps.setLong(3, s.id);
          ps.setLong(4, s.seq);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  @Override
  public void afterCommit() {
    for (ConvState s : touchedOrder) {
      s.committedSeq = s.seq;
      heads.put(s.cid, s.committedSeq);
      if (s.membersChanged && s.type == Ids.Type.GROUP) {
        memberships.publish(s.cid, s.members.keySet());
      }
      s.membersChanged = false;
    }
    touched.clear();
    touchedOrder.clear();
    locked.clear();
    trim();
  }

  @Override
  public void afterRollback() {
    for (ConvState s : touchedOrder) {
      forget(s);
    }
    // A batch may fail on a conversation it only read (its next seq taken by a writer that left
    // last_seq alone): reloading it is what lets the retry get past that row.
    for (ConvState s : locked) {
      forget(s);
    }
    touched.clear();
    touchedOrder.clear();
    locked.clear();
  }

  private void forget(ConvState s) {
    cache.remove(s.cid);
    heads.remove(s.cid);
    memberships.forget(s.cid);
  }

  private void trim() {
    Iterator<Map.Entry<String, ConvState>> it = cache.entrySet().iterator();
    while (cache.size() > maxCached && it.hasNext()) {
      Map.Entry<String, ConvState> e = it.next();
      it.remove();
      heads.remove(e.getKey());
      if (e.getValue().type == Ids.Type.GROUP) {
        memberships.forget(e.getKey());
      }
    }
  }
}
