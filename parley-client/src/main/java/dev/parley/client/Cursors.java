package dev.parley.client;

import dev.parley.client.store.CursorStore;
import dev.parley.client.time.Cancellable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This device's sync cursors for the user logged in: per conversation, the highest seq up to which
 * it holds every message. Loaded from the {@link CursorStore} when a user logs in; changes are
 * gathered for the save delay and saved in the background, in order. I/O loop only.
 */
final class Cursors {
  private static final Logger log = Logger.getLogger(Cursors.class.getName());

  private final CursorStore store;
  private final LoopTimers timers;
  private final long saveDelayMillis;
  private final Executor blocking;
  private String user;
  private Map<String, Long> cursors = new HashMap<>();
  private Cancellable saveTimer;
  private CompletableFuture<Void> saving = CompletableFuture.completedFuture(null);

  Cursors(CursorStore store, LoopTimers timers, long saveDelayMillis, Executor blocking) {
    this.store = store;
    this.timers = timers;
    this.saveDelayMillis = saveDelayMillis;
    this.blocking = blocking;
  }

  /**
   * After a login as {@code userId}: for another user than before, saves the old one's cursors and
   * loads the new one's. True when the user changed.
   */
  boolean loggedIn(String userId) {
    if (userId.equals(user)) {
      return false;
    }
    if (user != null) {
      saveNow();
    }
    user = userId;
    cursors = new HashMap<>(store.load(userId));
    return true;
  }

  boolean isEmpty() {
    return cursors.isEmpty();
  }

  /** The cursor of {@code conversation}, or null when there is none. */
  Long get(String conversation) {
    return cursors.get(conversation);
  }

  /** Moves a cursor; it is saved after the save delay. */
  void put(String conversation, long seq) {
    cursors.put(conversation, seq);
    if (saveTimer == null) {
      saveTimer = timers.schedule(saveDelayMillis, () -> {
        saveTimer = null;
        saveNow();
      });
    }
  }

  void forEach(BiConsumer<String, Long> each) {
    cursors.forEach(each);
  }

  /** A copy. */
  Map<String, Long> snapshot() {
    return new HashMap<>(cursors);
  }

  /** Saves the cursors in the background (in order with earlier saves); the future says when done. */
  CompletableFuture<Void> saveNow() {
    if (saveTimer != null) {
      saveTimer.cancel();
      saveTimer = null;
    }
    if (user == null) {
      return saving;
    }
    String u = user;
    Map<String, Long> snapshot = new HashMap<>(cursors);
    saving = saving.thenRunAsync(() -> {
      try {
        store.save(u, snapshot);
      } catch (RuntimeException e) {
        log.log(Level.WARNING, "saving the cursors of " + u + " failed", e);
      }
    }, blocking);
    return saving;
  }
}
