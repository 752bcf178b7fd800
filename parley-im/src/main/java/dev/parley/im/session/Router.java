package dev.parley.im.session;

import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Frame;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Delivers frames and committed messages to users' sessions wherever they live: the seam a
 * cluster implementation (a Redis bus between nodes) takes over when Parley runs on several
 * nodes. Request handlers, the gateway, delivered cursors and the admin API reach sessions only
 * through it. {@code delivery.Dispatcher} is the in-process implementation: every session is on
 * this node, found in the {@link Directory}.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li>Every session of a user gets what is sent to the user, on this node (written directly) and
 *       on every other node that holds one (handed to that node, which writes it to its own
 *       sessions); order is kept per sending thread and per receiving session.
 *   <li>Committed messages ({@link #deliver}) are pushed by the node that holds the session and
 *       tracked there until the device acknowledges them, as pushes to local sessions are. A
 *       recipient with no session on any node is handed to the offline-delivery hooks, once.
 *   <li>The methods marked "writer thread" are called by the store's writer right after a commit
 *       and join that batch: everything they send goes out when the batch is dispatched, with one
 *       flush per session. {@link #sendToUser} is safe from any thread and flushes at once.
 *   <li>Nothing here blocks: a slow or absent node delays only its own sessions.
 * </ul>
 */
public interface Router {
  /**
   * Any thread: sends {@code frame} to every session of {@code user} and flushes; returns how
   * many sessions it reached on this node.
   */
  int sendToUser(String user, Frame frame);

  /**
   * Writer thread: delivers a committed message to every session of its recipients except
   * {@code origin} (the session that sent it, which gets its SendAck instead; null for none).
   */
  void deliver(StoredMessage stored, Session origin);

  /** Writer thread: sends {@code frame} to one session of this node with this batch. */
  void reply(Session to, Frame frame);

  /**
   * Writer thread: sends the frame {@code build} makes to one session of this node with this
   * batch; it is built on the session's event loop, not by the writer.
   */
  void reply(Session to, Supplier<Frame> build);

  /**
   * Writer thread: sends {@code frame} with this batch to every session of {@code users} except
   * {@code except} (the session whose request caused it, which has its answer; null for none).
   */
  void broadcast(Set<String> users, Frame frame, Session except);
}
