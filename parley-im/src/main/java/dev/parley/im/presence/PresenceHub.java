package dev.parley.im.presence;

import dev.parley.core.time.TimeSource;
import dev.parley.im.session.Directory;
import dev.parley.im.session.Transition;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.PresenceList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Who follows whose presence, and the online/offline changes pushed to them. Changes arrive from
 * the directory in order per user and are handed out on one thread of their own, so a follower
 * never sees a user's "online" overtaken by an older "offline".
 *
 * <p>Bounded: at most one announcement per user waits at a time (a newer change replaces the one
 * not yet sent, so followers get the latest state and may miss a flip that was already undone), at
 * most {@code maxQueued} users wait in all; past that a change is not announced (counted in
 * {@link #dropped()}; followers see the current state on their next subscribe). Last-seen times
 * are cached for the {@code maxLastSeen} users who went offline most recently; older ones come
 * from the store.
 */
public final class PresenceHub implements Consumer<Transition>, AutoCloseable {
  /** A session that follows presence. */
  public interface Follower {
    /** Event loop: the users this session follows (created on first use). */
    Set<String> presenceSubscriptions();

    /** Event loop: the users this session follows, or null if it never followed anyone. */
    Set<String> presenceSubscriptionsOrNull();

    /** Any thread: sends a frame to the session. */
    void send(Frame frame);
  }

  private record Change(boolean online, long at) {}

  private final TimeSource time;
  private final Executor executor;
  private final int maxQueued;
  private final ConcurrentHashMap<String, Set<Follower>> followers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Change> queued = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeen;
  private final Map<String, Long> unsavedLastSeen = new HashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final Directory directory;
  private final ImStore store;

  /**
   * @param executor runs the announcements in order (one thread); shut down by {@link #close()}
   *     when it is an {@link ExecutorService}
   * @param directory says who is online when a session subscribes
   * @param store holds the last-seen times of users not cached here
   */
  public PresenceHub(TimeSource time, Executor executor, int maxQueued, int maxLastSeen, Directory directory,
      ImStore store) {
    this.time = time;
    this.directory = directory;
    this.store = store;
    this.executor = executor;
    this.maxQueued = maxQueued;
    this.lastSeen = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > maxLastSeen;
      }
    });
  }

  /** A hub with its own announcing thread, whose queue holds at most {@code maxQueued} tasks. */
  public static PresenceHub start(TimeSource time, int maxQueued, int maxLastSeen, Directory directory,
      ImStore store) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(maxQueued), r -> {
          Thread t = new Thread(r, "parley-im-presence");
          t.setDaemon(true);
          return t;
        });
    return new PresenceHub(time, executor, maxQueued, maxLastSeen, directory, store);
  }

  /** From the directory, under the user's entry (so in order per user): queue the change. */
  @Override
  public void accept(Transition t) {
    long now = time.millis();
    String user = t.user();
    if (!t.online()) {
      lastSeen.put(user, now);
      synchronized (unsavedLastSeen) {
        unsavedLastSeen.put(user, now);
      }
    }
    Change change = new Change(t.online(), now);
    // The announcer removes the entry before sending it; if it is still here, it has not been
    // sent and now carries the newer change.
    if (queued.replace(user, change) != null) {
      return;
    }
    if (queued.size() >= maxQueued) {
      dropped.increment();
      return;
    }
    queued.put(user, change);
    try {
      executor.execute(() -> announce(user));
    } catch (RejectedExecutionException e) {
      queued.remove(user, change);
      dropped.increment();
    }
  }

  private void announce(String user) {
    Change c = queued.remove(user);
    if (c == null) {
      return;
    }
    Set<Follower> list = followers.get(user);
    if (list == null || list.isEmpty()) {
      return;
    }
    Presence.Builder p = Presence.newBuilder().setUser(user).setOnline(c.online());
    if (!c.online()) {
      p.setLastSeen(c.at());
    }
    Frame frame = Frame.newBuilder().setPresence(p).build();
    for (Follower f : list) {
      f.send(frame);
    }
  }

  /** Event loop of {@code c}: follow {@code users} and answer their current presence. */
  public void subscribe(Follower c, int req, Collection<String> users) {
    Set<String> mine = c.presenceSubscriptions();
    for (String u : users) {
      if (mine.add(u)) {
        // Added inside the map's atomic update: a set emptied and removed concurrently by another
        // session's unsubscribe can never swallow this one.
        followers.compute(u, (k, set) -> {
          Set<Follower> s = set == null ? ConcurrentHashMap.newKeySet() : set;
          s.add(c);
          return s;
        });
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
      if (seen == null) {
        synchronized (unsavedLastSeen) {
          seen = unsavedLastSeen.get(u);
        }
      }
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
  public void unsubscribe(Follower c, Collection<String> users) {
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
  public void closed(Follower c) {
    Set<String> mine = c.presenceSubscriptionsOrNull();
    if (mine == null) {
      return;
    }
    for (String u : mine) {
      drop(u, c);
    }
    mine.clear();
  }

  private void drop(String user, Follower c) {
    followers.computeIfPresent(user, (k, set) -> {
      set.remove(c);
      return set.isEmpty() ? null : set;
    });
  }

  /** The sessions following {@code user} now (a copy). */
  Set<Follower> followersOf(String user) {
    Set<Follower> s = followers.get(user);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  /** Last-seen times held in memory. */
  int lastSeenCached() {
    return lastSeen.size();
  }

  /** Changes that were not announced because too many were waiting. */
  public long dropped() {
    return dropped.sum();
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
    if (executor instanceof ExecutorService es) {
      es.shutdown();
      try {
        es.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
