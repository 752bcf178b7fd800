package dev.parley.im.store.sql;

import dev.parley.core.store.Storage;
import dev.parley.core.store.jdbc.SqlFunction;
import dev.parley.core.store.jdbc.StoreOverloadedException;
import dev.parley.im.store.Callback;
import dev.parley.im.store.ImException;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.Outcomes;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.HistoryResult;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.SyncResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IM store over the server's SQL database (SQLite or PostgreSQL): every write goes through the
 * group-commit writer (its callback runs on the writer thread after the commit), every read
 * through the reader pool.
 */
public final class SqlImStore implements ImStore {
  private final Storage db;
  private final WriterState state;
  private final MessageWrites messages;
  private final GroupWrites groups;
  private final Memberships memberships = new Memberships();
  private final ConcurrentHashMap<String, Long> heads = new ConcurrentHashMap<>();

  /** Opens the store on {@code db}, bringing the IM schema up to date first. */
  public SqlImStore(Storage db, Clock clock, int maxGroupMembers) {
    db.migrate("im", ImMigrations.of(db.backend()));
    this.db = db;
    this.state = new WriterState(db.backend(), 100_000, memberships, heads);
    this.messages = new MessageWrites(state, clock);
    this.groups = new GroupWrites(state, messages, clock, maxGroupMembers);
    db.writer().addBatchListener(messages);
    db.writer().addBatchListener(state);
    state.beforeMessageReads(messages::flush);
  }

  /** Stores a message from a user or the server (sender "" in the draft). */
  @Override
  public void send(String cid, Message draft, Callback<Outcomes.Sent> done) {
    byte[] body = draft.toByteArray();
    write(cid, c -> messages.append(c, cid, draft, body), done);
  }

  @Override
  public void recall(String user, String clientId, String cid, long seq, Duration window,
      Callback<Outcomes.Sent> done) {
    write(cid, c -> messages.recall(c, user, clientId, cid, seq, window.toMillis()), done);
  }

  @Override
  public void markRead(String user, String cid, long seq, int receiptLimit, Callback<Outcomes.ReadMoved> done) {
    write(cid, c -> messages.markRead(c, user, cid, seq, receiptLimit), done);
  }

  @Override
  public void createGroup(String owner, String name, List<String> members, Callback<Outcomes.GroupChanged> done) {
    write(null, c -> groups.create(c, owner, name, members), done);
  }

  @Override
  public void renameGroup(String actor, String groupId, String name, Callback<Outcomes.GroupChanged> done) {
    write(Ids.group(groupId), c -> groups.rename(c, actor, groupId, name), done);
  }

  @Override
  public void addMembers(String actor, String groupId, List<String> users, Callback<Outcomes.GroupChanged> done) {
    write(Ids.group(groupId), c -> groups.add(c, actor, groupId, users), done);
  }

  @Override
  public void removeMembers(String actor, String groupId, List<String> users, Callback<Outcomes.GroupChanged> done) {
    write(Ids.group(groupId), c -> groups.remove(c, actor, groupId, users), done);
  }

  @Override
  public void leaveGroup(String actor, String groupId, Callback<Outcomes.GroupChanged> done) {
    write(Ids.group(groupId), c -> groups.leave(c, actor, groupId), done);
  }

  @Override
  public void setRole(String actor, String groupId, String user, Role role, Callback<Outcomes.GroupChanged> done) {
    write(Ids.group(groupId), c -> groups.setRole(c, actor, groupId, user, role), done);
  }

  /** A server message into an existing group (idempotent by the draft's client id, if any). */
  @Override
  public void announce(String groupId, Message draft, Callback<Outcomes.Sent> done) {
    byte[] body = draft.toByteArray();
    write(Ids.group(groupId), c -> messages.append(c, Ids.group(groupId), draft, body), done);
  }

  /** Raises delivered cursors: conversation → (user → seq). Best effort: a full queue drops it. */
  @Override
  public void markDelivered(Map<String, Map<String, Long>> cursors) {
    write(null, c -> {
      messages.markDelivered(c, cursors);
      return null;
    }, (r, e) -> { });
  }

  /** Records last-seen times of users who went offline. Best effort. */
  @Override
  public void saveLastSeen(Map<String, Long> seen) {
    write(null, c -> {
      messages.lastSeen(c, seen);
      return null;
    }, (r, e) -> { });
  }

  @Override
  public CompletableFuture<SyncResult> sync(String user, Map<String, Long> cursors, int limit, int recent) {
    return read(c -> ImReads.sync(c, user, cursors, limit, recent));
  }

  @Override
  public CompletableFuture<HistoryResult> history(String user, String cid, long beforeSeq, int limit) {
    return read(c -> ImReads.history(c, user, cid, beforeSeq, limit));
  }

  @Override
  public CompletableFuture<List<Conversation>> conversations(String user) {
    return read(c -> ImReads.conversations(c, user));
  }

  @Override
  public CompletableFuture<GroupInfo> group(String user, String groupId) {
    return read(c -> ImReads.group(c, user, groupId));
  }

  @Override
  public CompletableFuture<List<GroupInfo>> groupsOf(String user) {
    return read(c -> ImReads.groupsOf(c, user));
  }

  @Override
  public CompletableFuture<Long> lastSeq(String cid) {
    Long known = heads.get(cid);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return read(c -> ImReads.lastSeq(c, cid));
  }

  /** Members of a group conversation: from memory when known, else read and remembered. */
  @Override
  public CompletableFuture<Set<String>> groupMembers(String cid) {
    Set<String> known = memberships.get(cid);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return read(c -> {
      Set<String> members = ImReads.groupMembers(c, cid);
      memberships.fill(cid, members);
      return memberships.get(cid);
    });
  }

  @Override
  public CompletableFuture<Map<String, Long>> lastSeen(Set<String> users) {
    return read(c -> ImReads.lastSeen(c, users));
  }

  /** Queues {@code op}, which writes into {@code cid} (null: no one conversation known up front). */
  private <T> void write(String cid, SqlOp<T> op, Callback<T> done) {
    ImOp<T> imOp = new ImOp<>(cid, done) {
      @Override
      T run(Connection c) throws SQLException {
        return op.run(c);
      }
    };
    try {
      db.writer().submit(imOp);
    } catch (StoreOverloadedException | IllegalStateException e) {
      done.done(null, new ImException(ErrorCode.ERROR_CODE_INTERNAL, "the server is busy; retry (with the same client id)"));
    }
  }

  private <T> CompletableFuture<T> read(SqlFunction<T> f) {
    return db.read(f);
  }

  /** Work on the writer connection. */
  @FunctionalInterface
  private interface SqlOp<T> {
    T run(Connection c) throws SQLException;
  }
}
