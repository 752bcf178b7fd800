package dev.parley.im.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Who is online on this node: user id to the user's logged-in connections (a small copy-on-write
 * array per user). Registration applies the kick policy atomically per user, and reports the
 * user's online/offline transitions in order to the presence listener while holding the user's
 * entry, so two racing logins or logouts cannot reorder them.
 */
public final class LocalDirectory implements Directory {
  private static final Session[] NONE = new Session[0];

  private final ConcurrentHashMap<String, Session[]> users = new ConcurrentHashMap<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Consumer<Transition> presence;

  /** @param presence told of every 0→1 and 1→0 change of a user's sessions, in order per user */
  public LocalDirectory(Consumer<Transition> presence) {
    this.presence = presence;
  }

  @Override
  public List<Kick> register(Session s, KickPolicy policy, int maxPerUser) {
    List<Kick> kicked = new ArrayList<>(1);
    users.compute(s.user(), (user, current) -> {
      kicked.clear();
      List<Session> keep = new ArrayList<>();
      if (current != null) {
        for (Session other : current) {
          boolean replaced = switch (policy) {
            case SAME_DEVICE -> other.deviceId().equals(s.deviceId());
            case SAME_PLATFORM -> other.platform() == s.platform();
            case NONE -> false;
          };
          if (replaced && other.openedNanos() - s.openedNanos() > 0) {
            // The session to replace came on a newer connection: this login is the stale one.
            kicked.clear();
            kicked.add(new Kick(s, Cause.STALE));
            return current;
          }
          if (replaced) {
            kicked.add(new Kick(other, Cause.REPLACED));
          } else {
            keep.add(other);
          }
        }
      }
      while (keep.size() >= maxPerUser) {
        kicked.add(new Kick(keep.remove(0), Cause.OVER_CAP));
      }
      keep.add(s);
      if (current == null || current.length == 0) {
        presence.accept(new Transition(user, true));
      }
      sessions.addAndGet(keep.size() - (current == null ? 0 : current.length));
      return keep.toArray(NONE);
    });
    return kicked;
  }

  @Override
  public boolean unregister(Session s) {
    boolean[] offline = new boolean[1];
    users.computeIfPresent(s.user(), (user, current) -> {
      int i = Arrays.asList(current).indexOf(s);
      if (i < 0) {
        return current;
      }
      sessions.decrementAndGet();
      if (current.length == 1) {
        offline[0] = true;
        presence.accept(new Transition(user, false));
        return null;
      }
      Session[] next = new Session[current.length - 1];
      System.arraycopy(current, 0, next, 0, i);
      System.arraycopy(current, i + 1, next, i, current.length - i - 1);
      return next;
    });
    return offline[0];
  }

  @Override
  public Session[] sessions(String user) {
    Session[] s = users.get(user);
    return s == null ? NONE : s;
  }

  @Override
  public boolean isOnline(String user) {
    return users.containsKey(user);
  }

  @Override
  public int onlineUsers() {
    return users.size();
  }

  @Override
  public int sessionCount() {
    return sessions.get();
  }

  @Override
  public void forEach(Consumer<Session> action) {
    for (Session[] list : users.values()) {
      for (Session s : list) {
        action.accept(s);
      }
    }
  }
}
