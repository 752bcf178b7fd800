package dev.parley.client;

import dev.parley.client.time.Cancellable;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Sync;
import dev.parley.protocol.im.SyncResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Turns pushes and sync results into messages for the app, each once and in seq order per
 * conversation. Per conversation it keeps the cursor (every message up to it is held); a message
 * at the cursor or below is a duplicate, one past a gap is held back while a sync fills the gap.
 * Cursors are acknowledged to the server cumulatively and kept in {@link Cursors}. I/O loop only.
 */
final class Receiver {
  private static final Logger log = Logger.getLogger(Receiver.class.getName());
  private static final int SYNC_LIMIT = 200;
  private static final long RESYNC_DELAY = 1000;

  private final Connection conn;
  private final LoopTimers timers;
  private final Listeners listeners;
  /** Whether a message is one this device sent (it then goes to the send queue, not the app). */
  private final Predicate<Message> ownMessage;
  private final Cursors cursors;
  /** For a device with no cursors: how many recent messages per conversation the first sync fetches (0: all). */
  private final int initialSyncRecent;
  private final Map<String, TreeMap<Long, Message>> ahead = new HashMap<>();
  private final Map<String, Long> unacked = new LinkedHashMap<>();
  private boolean syncing;
  private boolean syncAgain;
  private Cancellable resync = Cancellable.NONE;

  Receiver(Connection conn, LoopTimers timers, Listeners listeners, Predicate<Message> ownMessage, Cursors cursors,
      int initialSyncRecent) {
    this.conn = conn;
    this.timers = timers;
    this.listeners = listeners;
    this.ownMessage = ownMessage;
    this.cursors = cursors;
    this.initialSyncRecent = initialSyncRecent;
  }

  /** After every login: load the user's cursors (first login of a user) and sync from them. */
  void loggedIn(String userId) {
    int recent = 0;
    if (cursors.loggedIn(userId)) {
      ahead.clear();
      unacked.clear();
      if (cursors.isEmpty()) {
        recent = initialSyncRecent;
      }
    }
    syncing = false;
    syncAgain = false;
    sync(recent);
  }

  void offline() {
    syncing = false;
    resync.cancel();
  }

  /** Pushed messages. */
  void push(List<Message> messages) {
    for (Message m : messages) {
      accept(m, false, null);
    }
    ack();
  }

  /** A message this device sent, from its SendAck. */
  void own(Message m) {
    accept(m, false, null);
    ack();
  }

  private void sync(int recent) {
    if (syncing) {
      syncAgain = true;
      return;
    }
    if (!conn.isOnline()) {
      return;
    }
    resync.cancel();
    syncing = true;
    Sync.Builder s = Sync.newBuilder().setLimit(SYNC_LIMIT).setRecent(recent);
    cursors.forEach((conv, seq) -> s.addCursors(Cursor.newBuilder().setConversation(conv).setSeq(seq)));
    conn.send(Frame.newBuilder().setSync(s), new Requests.Caller() {
      @Override
      public void answered(Frame f) {
        syncing = false;
        if (f.hasSyncResult()) {
          synced(f.getSyncResult());
        } else {
          log.warning(() -> "sync refused: " + f.getError().getCode() + " " + f.getError().getMessage());
          resyncLater();
        }
      }

      @Override
      public void lost() {
        syncing = false;
      }
    });
  }

  private void synced(SyncResult r) {
    Set<String> seen = new HashSet<>();
    for (Message m : r.getMessagesList()) {
      accept(m, true, seen);
    }
    ack();
    if (r.getMore() || syncAgain) {
      syncAgain = false;
      sync(0);
    } else if (!ahead.isEmpty()) {
      // A gap the sync did not fill (yet): try again shortly.
      resyncLater();
    }
  }

  private void resyncLater() {
    resync.cancel();
    resync = timers.schedule(RESYNC_DELAY, () -> sync(0));
  }

  /**
   * One message from a push ({@code seen} null) or a sync result. A sync answers, per
   * conversation, every visible message after the cursor in order; so the first message of a
   * conversation in it is the next one there is, even past the cursor + 1 (the user was not a
   * member in between, or the first sync asked for recent messages only).
   */
  private void accept(Message m, boolean fromSync, Set<String> seen) {
    String conv = m.getConversation();
    long seq = m.getSeq();
    Long cur = cursors.get(conv);
    if (fromSync && seen.add(conv) && (cur == null || seq > cur + 1)) {
      cur = seq - 1;
    } else if (cur == null) {
      cur = 0L;
    }
    if (seq <= cur) {
      // A duplicate: a resent push, or a sync overlapping a push.
      return;
    }
    if (seq > cur + 1) {
      TreeMap<Long, Message> held = ahead.computeIfAbsent(conv, k -> new TreeMap<>());
      if (held.putIfAbsent(seq, m) == null && held.firstKey() == seq) {
        sync(0);
      }
      return;
    }
    deliver(m);
    cur = seq;
    TreeMap<Long, Message> held = ahead.get(conv);
    while (held != null && !held.isEmpty() && held.firstKey() <= cur + 1) {
      Message next = held.pollFirstEntry().getValue();
      if (next.getSeq() == cur + 1) {
        deliver(next);
        cur = next.getSeq();
      }
    }
    if (held != null && held.isEmpty()) {
      ahead.remove(conv);
    }
    cursors.put(conv, cur);
    unacked.put(conv, cur);
  }

  private void deliver(Message m) {
    if (!ownMessage.test(m)) {
      listeners.message(m);
    }
  }

  private void ack() {
    if (unacked.isEmpty() || !conn.isOnline()) {
      return;
    }
    Ack.Builder a = Ack.newBuilder();
    unacked.forEach((conv, seq) -> a.addCursors(Cursor.newBuilder().setConversation(conv).setSeq(seq)));
    unacked.clear();
    conn.write(Frame.newBuilder().setAck(a).build());
  }

  /** Saves the cursors in the background (in order with earlier saves); the future says when done. */
  CompletableFuture<Void> saveNow() {
    return cursors.saveNow();
  }

  /** A snapshot of the cursors. */
  Map<String, Long> cursors() {
    return cursors.snapshot();
  }
}
