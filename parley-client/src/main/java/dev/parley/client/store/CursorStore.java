package dev.parley.client.store;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a user's sync cursors: per conversation, the highest seq up to which this device holds
 * every message. The client loads them at login and syncs from them, so a restarted app gets
 * what it missed and nothing it already had. {@link FileCursorStore} is the default for apps;
 * an app that keeps messages in its own database can store cursors there, in the same
 * transaction as the messages.
 *
 * <p>{@code load} is called on the client's I/O thread at login; {@code save} on a background
 * thread, never two at once for one client.
 */
public interface CursorStore {
  /** The cursors saved for {@code userId} (empty if none). */
  Map<String, Long> load(String userId);

  /** Replaces the cursors of {@code userId}. */
  void save(String userId, Map<String, Long> cursors);

  /** Cursors kept in memory only: a new process starts over. */
  static CursorStore inMemory() {
    Map<String, Map<String, Long>> users = new ConcurrentHashMap<>();
    return new CursorStore() {
      @Override
      public Map<String, Long> load(String userId) {
        return new HashMap<>(users.getOrDefault(userId, Map.of()));
      }

      @Override
      public void save(String userId, Map<String, Long> cursors) {
        users.put(userId, new HashMap<>(cursors));
      }
    };
  }
}
