package dev.parley.client;

import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.net.Link;
import dev.parley.client.time.Cancellable;
import java.io.IOException;

/**
 * When the client sends a heartbeat, and what an unanswered one means. A heartbeat is due once
 * either direction has been silent for the interval: silence out, so the server's idle timer and
 * the NAT mapping stay fed; silence in, so a link that swallows what is written (half-open,
 * blackholed) is found out even while the app keeps sending. The interval comes from the
 * {@link HeartbeatPolicy}, never longer than the server's ceiling; the policy hears every outcome.
 * I/O loop only.
 */
final class HeartbeatTimer {
  /** What the heartbeat needs of the connection. */
  interface Owner {
    /** Logged in, with a link. */
    boolean isOnline();

    /** The heartbeat went unanswered: the link is dead. */
    void heartbeatLost(IOException why);
  }

  private final HeartbeatPolicy policy;
  private final long timeoutMillis;
  private final LoopTimers timers;
  private final Owner owner;
  /** The logged-in link the heartbeats go out on, or null. */
  private Link link;
  private long serverMax;
  private Cancellable dueTimer = Cancellable.NONE;
  private Cancellable timeoutTimer = Cancellable.NONE;
  private long lastWriteAt;
  private long lastReadAt;
  /** When the unanswered heartbeat went out, or -1. */
  private long sentAt = -1;
  /** The silence before the unanswered heartbeat (what the NAT saw). */
  private long idleBefore;

  HeartbeatTimer(HeartbeatPolicy policy, long timeoutMillis, LoopTimers timers, Owner owner) {
    this.policy = policy;
    this.timeoutMillis = timeoutMillis;
    this.timers = timers;
    this.owner = owner;
  }

  /** A link opened: what it says from now on counts as heard. */
  void opened() {
    lastReadAt = timers.now();
  }

  /** Logged in on {@code l}; the server allows heartbeats {@code serverMaxMillis} apart at most. */
  void loggedIn(Link l, long serverMaxMillis) {
    link = l;
    serverMax = serverMaxMillis;
    policy.onLogin(serverMaxMillis);
    sentAt = -1;
  }

  /** The app moved to another network. */
  void networkChanged(String networkId) {
    policy.onNetworkChanged(networkId);
  }

  /** The app came to the foreground or went to the background. */
  void foreground(boolean foreground) {
    policy.onForeground(foreground);
  }

  /** Something was written on the link. */
  void wrote() {
    lastWriteAt = timers.now();
  }

  /** Anything arrived: an outstanding heartbeat is answered. */
  void heard() {
    lastReadAt = timers.now();
    if (sentAt < 0) {
      return;
    }
    timeoutTimer.cancel();
    sentAt = -1;
    if (owner.isOnline()) {
      policy.onHeartbeatAnswered(idleBefore);
      schedule();
    }
  }

  /** Sets the timer for the next heartbeat (none while offline or while one is out). */
  void schedule() {
    dueTimer.cancel();
    if (!owner.isOnline() || sentAt >= 0) {
      return;
    }
    dueTimer = timers.schedule(dueAt() - timers.now(), this::due);
  }

  /** Checks the link now with a heartbeat, unless one is already out. */
  void probe() {
    if (owner.isOnline() && sentAt < 0) {
      send();
    }
  }

  /** The link is gone: no more timers. */
  void stop() {
    dueTimer.cancel();
    timeoutTimer.cancel();
    sentAt = -1;
    link = null;
  }

  private long interval() {
    long interval = policy.intervalMillis();
    return serverMax > 0 ? Math.min(interval, serverMax) : interval;
  }

  private long dueAt() {
    return Math.min(lastWriteAt, lastReadAt) + interval();
  }

  private void due() {
    if (!owner.isOnline() || sentAt >= 0) {
      return;
    }
    if (timers.now() < dueAt()) {
      schedule();
      return;
    }
    send();
  }

  private void send() {
    dueTimer.cancel();
    long now = timers.now();
    idleBefore = now - Math.max(lastWriteAt, lastReadAt);
    sentAt = now;
    Link l = link;
    timeoutTimer = timers.schedule(timeoutMillis, () -> {
      if (l == link && sentAt >= 0) {
        long idle = idleBefore;
        policy.onHeartbeatLost(idle);
        owner.heartbeatLost(new IOException("no answer to a heartbeat within " + timeoutMillis
            + " ms (sent after " + idle + " ms of silence)"));
      }
    });
    l.sendHeartbeat();
    wrote();
  }
}
