package dev.parley.im.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.session.Directory;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.session.Session;
import dev.parley.im.session.Transition;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Presence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The presence hub on its own: subscriptions under concurrency, coalescing and the bounds. */
class PresenceHubTest {
  /** A follower that records what it is sent. */
  static final class Recorder implements PresenceHub.Follower {
    final Set<String> subscriptions = new HashSet<>();
    final List<Frame> sent = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> presenceSubscriptions() {
      return subscriptions;
    }

    @Override
    public Set<String> presenceSubscriptionsOrNull() {
      return subscriptions;
    }

    @Override
    public void send(Frame frame) {
      sent.add(frame);
    }

    List<Presence> presences() {
      return sent.stream().filter(Frame::hasPresence).map(Frame::getPresence).toList();
    }
  }

  /** Everyone is online, so subscribing never reads the store. */
  static final Directory EVERYONE_ONLINE = new Directory() {
    @Override
    public List<Kick> register(Session session, KickPolicy policy, int maxPerUser) {
      return List.of();
    }

    @Override
    public boolean unregister(Session session) {
      return false;
    }

    @Override
    public Session[] sessions(String user) {
      return new Session[0];
    }

    @Override
    public boolean isOnline(String user) {
      return true;
    }

    @Override
    public int onlineUsers() {
      return 0;
    }

    @Override
    public int sessionCount() {
      return 0;
    }

    @Override
    public void forEach(Consumer<Session> action) {}
  };

  final ManualTime time = new ManualTime();
  /** Announcements wait here until the test runs them. */
  final List<Runnable> tasks = new ArrayList<>();

  PresenceHub hub(int maxQueued, int maxLastSeen) {
    return new PresenceHub(time, tasks::add, maxQueued, maxLastSeen, EVERYONE_ONLINE, null);
  }

  void runTasks() {
    List<Runnable> now = new ArrayList<>(tasks);
    tasks.clear();
    now.forEach(Runnable::run);
  }

  @Test
  void aSubscriptionRacingAnotherSessionsUnsubscribeIsNeverLost() throws Exception {
    PresenceHub hub = hub(1000, 1000);
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      users.add("u" + i);
    }
    Recorder churn = new Recorder();
    AtomicBoolean stop = new AtomicBoolean();
    // Another session follows and unfollows the same users without pause: their follower sets are
    // emptied and removed over and over while the subscriber below adds to them.
    Thread other = new Thread(() -> {
      while (!stop.get()) {
        hub.subscribe(churn, 0, users);
        hub.unsubscribe(churn, users);
      }
    });
    other.start();
    int lost = 0;
    try {
      for (int round = 0; round < 300 && lost == 0; round++) {
        Recorder r = new Recorder();
        hub.subscribe(r, 0, users);
        for (String u : users) {
          if (!hub.followersOf(u).contains(r)) {
            lost++;
          }
        }
        hub.unsubscribe(r, users);
      }
    } finally {
      stop.set(true);
      other.join();
    }
    assertThat(lost).as("subscriptions that landed in a removed set").isZero();
  }

  @Test
  void changesOfOneUserWaitingToBeAnnouncedCollapseToTheLatest() {
    PresenceHub hub = hub(10, 10);
    Recorder f = new Recorder();
    hub.subscribe(f, 0, List.of("flip"));
    hub.accept(new Transition("flip", true));
    time.advance(java.time.Duration.ofSeconds(5));
    hub.accept(new Transition("flip", false));
    assertThat(tasks).hasSize(1);
    runTasks();
    assertThat(f.presences()).hasSize(1);
    Presence p = f.presences().get(0);
    assertThat(p.getOnline()).isFalse();
    assertThat(p.getLastSeen()).isEqualTo(time.millis());
    // Once announced, the next change is queued on its own.
    hub.accept(new Transition("flip", true));
    runTasks();
    assertThat(f.presences()).extracting(Presence::getOnline).containsExactly(false, true);
  }

  @Test
  void pastTheQueueBoundChangesAreDroppedAndCounted() {
    PresenceHub hub = hub(3, 10);
    Recorder f = new Recorder();
    hub.subscribe(f, 0, List.of("a", "b", "c", "d", "e"));
    for (String u : List.of("a", "b", "c", "d", "e")) {
      hub.accept(new Transition(u, true));
    }
    assertThat(tasks).hasSize(3);
    assertThat(hub.dropped()).isEqualTo(2);
    runTasks();
    assertThat(f.presences()).extracting(Presence::getUser).containsExactly("a", "b", "c");
    // Room again once announced.
    hub.accept(new Transition("d", true));
    assertThat(tasks).hasSize(1);
  }

  @Test
  void lastSeenTimesAreCachedForABoundedNumberOfUsers() {
    PresenceHub hub = hub(1000, 50);
    for (int i = 0; i < 200; i++) {
      hub.accept(new Transition("gone" + i, false));
    }
    assertThat(hub.lastSeenCached()).isEqualTo(50);
  }
}
