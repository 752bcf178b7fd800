package dev.parley.im.presence;

import dev.parley.im.net.ImConnection;
import dev.parley.im.session.Directory;
import dev.parley.im.session.Transition;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.PresenceList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Who follows whose presence, and the online/offline changes pushed to them. Changes arrive from
 * the directory in order per user and are handed out on one thread of their own, so a follower
 * never sees a user's "online" overtaken by an older "offline".
 */
public final class PresenceHub implements Consumer<Transition>, AutoCloseable {
  private final ConcurrentHashMap<String, Set<ImConnection>> followers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "parley-im-presence");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Long> unsavedLastSeen = new HashMap<>();
  private Directory directory;
  private ImStore store;

  public void bind(Directory directory, ImStore store) {
    this.directory = directory;
    this.store = store;
  }

  /** From the directory, under the user's entry: queue the change in order. */
  @Override
  public void accept(Transition t) {
    long now = System.currentTimeMillis();
    executor.execute(() -> announce(t, now));
  }

  private void announce(Transition t, long now) {
    if (!t.online()) {
      lastSeen.put(t.user(), now);
      synchronized (unsavedLastSeen) {
        unsavedLastSeen.put(t.user(), now);
      }
    }
    Set<ImConnection> list = followers.get(t.user());
    if (list == null || list.isEmpty()) {
      return;
    }
    Presence.Builder p = Presence.newBuilder().setUser(t.user()).setOnline(t.online());
    if (!t.online()) {
      p.setLastSeen(now);
    }
    Frame frame = Frame.newBuilder().setPresence(p).build();
    for (ImConnection c : list) {
      c.send(frame);
    }
  }

  /** Event loop of {@code c}: follow {@code users} and answer their current presence. */
  public void subscribe(ImConnection c, int req, Collection<String> users) {
    Set<String> mine = c.presenceSubscriptions();
    for (String u : users) {
      if (mine.add(u)) {
        followers.computeIfAbsent(u, k -> ConcurrentHashMap.newKeySet()).add(c);
      }
    }
    Set<String> offline = new LinkedHashSet<>();
    PresenceList.Builder answer = PresenceList.newBuilder();
    for (String u : users) {
      if (directory.isOnline(u)) {
        answer.addPresences(Presence.newBuilder().setUser(u).setOnline(true));
      } else {
        offline.add(u);
      }
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (String u : offline) {
      Long seen = lastSeen.get(u);
      if (seen != null) {
        answer.addPresences(Presence.newBuilder().setUser(u).setLastSeen(seen));
      } else {
        unknown.add(u);
      }
    }
    if (unknown.isEmpty()) {
      c.send(Frame.newBuilder().setReq(req).setPresenceList(answer).build());
      return;
    }
    store.lastSeen(unknown).whenComplete((seen, error) -> {
      for (String u : unknown) {
        long at = seen == null ? 0 : seen.getOrDefault(u, 0L);
        answer.addPresences(Presence.newBuilder().setUser(u).setLastSeen(at));
      }
      c.send(Frame.newBuilder().setReq(req).setPresenceList(answer).build());
    });
  }

  /** Event loop of {@code c}: stop following {@code users}. */
  public void unsubscribe(ImConnection c, Collection<String> users) {
    Set<String> mine = c.presenceSubscriptionsOrNull();
    if (mine == null) {
      return;
    }
    for (String u : users) {
      if (mine.remove(u)) {
        drop(u, c);
      }
    }
  }

  /** Event loop of {@code c}: the connection closed; forget what it followed. */
  public void closed(ImConnection c) {
    Set<String> mine = c.presenceSubscriptionsOrNull();
    if (mine == null) {
      return;
    }
    for (String u : mine) {
      drop(u, c);
    }
    mine.clear();
  }

  private void drop(String user, ImConnection c) {
    followers.computeIfPresent(user, (k, set) -> {
      set.remove(c);
      return set.isEmpty() ? null : set;
    });
  }

  /** Writes last-seen times collected since the previous call. */
  public void flushLastSeen() {
    Map<String, Long> batch;
    synchronized (unsavedLastSeen) {
      if (unsavedLastSeen.isEmpty()) {
        return;
      }
      batch = new HashMap<>(unsavedLastSeen);
      unsavedLastSeen.clear();
    }
    store.saveLastSeen(batch);
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
