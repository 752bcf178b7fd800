package dev.parley.im.store;

import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.HistoryResult;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.SyncResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the IM service needs from storage: the seam a PostgreSQL store implements for the cluster.
 * The rest of IM uses only this interface; {@code store.sql.SqlImStore} implements it on the
 * server's embedded SQLite database.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li>Sequence numbers are assigned by the store, gap-free and increasing per conversation, and
 *       a message is stored once per conversation (never one row per member).
 *   <li>Writes report through a {@link Callback}: a success arrives on the store's writer thread
 *       right after the commit, when the result is durable, and before the next batch is
 *       dispatched (so the callback may hand results to the router); a refusal
 *       ({@link ImException}) may arrive on any thread, at once when the store is overloaded.
 *   <li>A send with a client id its sender used before stores nothing and answers the first
 *       SendAck again, on every node.
 *   <li>Reads answer futures completed off the event loops; nothing here blocks its caller.
 * </ul>
 */
public interface ImStore {
  /**
   * Appends a message to a conversation (a direct or system conversation is created on first
   * use). The draft carries sender, client id, kind and content; sender "" is the server. A client
   * id the sender used before answers the first SendAck again and stores nothing.
   */
  void send(String cid, Message draft, Callback<Outcomes.Sent> done);

  /** Recalls one of {@code user}'s messages within {@code window}, writing a RECALL message. */
  void recall(String user, String clientId, String cid, long seq, Duration window, Callback<Outcomes.Sent> done);

  /** Moves {@code user}'s read cursor forward. */
  void markRead(String user, String cid, long seq, int receiptLimit, Callback<Outcomes.ReadMoved> done);

  void createGroup(String owner, String name, List<String> members, Callback<Outcomes.GroupChanged> done);

  void renameGroup(String actor, String groupId, String name, Callback<Outcomes.GroupChanged> done);

  void addMembers(String actor, String groupId, List<String> users, Callback<Outcomes.GroupChanged> done);

  void removeMembers(String actor, String groupId, List<String> users, Callback<Outcomes.GroupChanged> done);

  void leaveGroup(String actor, String groupId, Callback<Outcomes.GroupChanged> done);

  void setRole(String actor, String groupId, String user, Role role, Callback<Outcomes.GroupChanged> done);

  /** A server message into an existing group (idempotent by the draft's client id, if any). */
  void announce(String groupId, Message draft, Callback<Outcomes.Sent> done);

  /** Raises delivered cursors: conversation to (user to seq). Best effort. */
  void markDelivered(Map<String, Map<String, Long>> cursors);

  /** Records when users went offline. Best effort. */
  void saveLastSeen(Map<String, Long> seen);

  /** What a device with these cursors is missing (see the Sync frame). */
  CompletableFuture<SyncResult> sync(String user, Map<String, Long> cursors, int limit, int recent);

  CompletableFuture<HistoryResult> history(String user, String cid, long beforeSeq, int limit);

  CompletableFuture<List<Conversation>> conversations(String user);

  /** A group with its members, for a member. */
  CompletableFuture<GroupInfo> group(String user, String groupId);

  CompletableFuture<List<GroupInfo>> groupsOf(String user);

  /**
   * The last committed seq of a conversation (0 when it has none): from memory for conversations
   * the writer holds, else read.
   */
  CompletableFuture<Long> lastSeq(String cid);

  /** Members of a group conversation. */
  CompletableFuture<Set<String>> groupMembers(String cid);

  /** When each of {@code users} was last online (absent: never). */
  CompletableFuture<Map<String, Long>> lastSeen(Set<String> users);
}
