package dev.parley.im.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.im.delivery.Dispatcher;
import dev.parley.im.delivery.OfflineNotifier;
import dev.parley.im.session.Router;
import dev.parley.im.session.Session;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Router} of one node of a cluster: this node's sessions through its {@link Dispatcher}
 * as on a server of its own, and every other node holding a session of a recipient through one
 * {@code im.deliver} bus message per node and batch, which that node pushes to its sessions (and
 * tracks until acknowledged). The offline hook fires on the node that committed the message, for a
 * recipient with no session on any node, so once.
 *
 * <p>After each commit the router asks the bus which nodes hold the batch's recipients; the
 * answers come back in the order asked, so batches reach each node in commit order. What the bus
 * loses (Redis away) the devices fill by syncing: see {@link ClusterIm#resumed}.
 */
public final class ClusterRouter implements Router, GroupCommitWriter.BatchListener {
  private static final Logger log = LoggerFactory.getLogger(ClusterRouter.class);

  private record Pending(StoredMessage message, Set<String> users, Frame frame) {}

  private record Absent(String user, StoredMessage message) {}

  private final NodeBus bus;
  private final OfflineNotifier offline;
  private final Dispatcher local;
  private final List<Pending> pending = new ArrayList<>();
  private final List<Absent> absent = new ArrayList<>();
  private final LongAdder unrouted = new LongAdder();

  public ClusterRouter(NodeBus bus, ClusterDirectory directory, OfflineNotifier offline) {
    this.bus = bus;
    this.offline = offline;
    this.local = new Dispatcher(directory, (user, m) -> absent.add(new Absent(user, m)));
    bus.listen(BusFrames.DELIVER, (from, payload) -> received(BusFrames.deliver(payload)));
  }

  /** Batches whose other nodes could not be found (the bus was away): their devices sync instead. */
  public long unrouted() {
    return unrouted.sum();
  }

  @Override
  public int sendToUser(String user, Frame frame) {
    int here = local.sendToUser(user, frame);
    String key = Held.key(user);
    bus.heldElsewhere(List.of(key)).whenComplete((held, failure) -> {
      if (failure != null) {
        unrouted.increment();
        return;
      }
      Set<String> nodes = new LinkedHashSet<>();
      for (NodeBus.Held h : held.getOrDefault(key, List.of())) {
        nodes.add(h.node());
      }
      byte[] payload = BusFrames.deliver(List.of(new BusFrames.Entry(null, frame, Set.of(user))));
      for (String node : nodes) {
        bus.send(node, BusFrames.DELIVER, payload);
      }
    });
    return here;
  }

  @Override
  public void deliver(StoredMessage stored, Session origin) {
    local.deliver(stored, origin);
    pending.add(new Pending(stored, stored.recipients(), null));
  }

  @Override
  public void reply(Session to, Frame frame) {
    local.reply(to, frame);
  }

  @Override
  public void reply(Session to, Supplier<Frame> build) {
    local.reply(to, build);
  }

  @Override
  public void broadcast(Set<String> users, Frame frame, Session except) {
    local.broadcast(users, frame, except);
    pending.add(new Pending(null, users, frame));
  }

  @Override
  public void afterCommit() {
    local.afterCommit();
    if (pending.isEmpty()) {
      absent.clear();
      return;
    }
    List<Pending> batch = List.copyOf(pending);
    List<Absent> notHere = List.copyOf(absent);
    pending.clear();
    absent.clear();
    Set<String> keys = new LinkedHashSet<>();
    for (Pending p : batch) {
      for (String u : p.users()) {
        keys.add(Held.key(u));
      }
    }
    bus.heldElsewhere(keys).whenComplete((held, failure) -> {
      if (failure != null) {
        unrouted.increment();
        log.debug("im: batch not routed to other nodes ({}); their devices sync", failure.toString());
        // Whether they are online elsewhere is unknown: the hook fires rather than nothing reaching them.
        notHere.forEach(a -> offline.notify(a.user(), a.message()));
        return;
      }
      route(batch, notHere, held);
    });
  }

  @Override
  public void afterRollback() {
    local.afterRollback();
    pending.clear();
    absent.clear();
  }

  /** On the bus thread: one message per node holding recipients, entries in commit order. */
  private void route(List<Pending> batch, List<Absent> notHere, Map<String, List<NodeBus.Held>> held) {
    Map<String, List<BusFrames.Entry>> perNode = new LinkedHashMap<>();
    for (Pending p : batch) {
      Map<String, Set<String>> usersPerNode = new LinkedHashMap<>();
      for (String u : p.users()) {
        for (NodeBus.Held h : held.getOrDefault(Held.key(u), List.of())) {
          usersPerNode.computeIfAbsent(h.node(), k -> new LinkedHashSet<>()).add(u);
        }
      }
      usersPerNode.forEach((node, users) -> {
        List<BusFrames.Entry> entries = perNode.computeIfAbsent(node, k -> new ArrayList<>());
        BusFrames.Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (p.frame() == null && last != null && last.frame() == null && last.users().equals(users)
            && last.messages().get(0).conversation().equals(p.message().conversation())) {
          last.messages().add(p.message());
        } else {
          List<StoredMessage> messages = p.frame() == null ? new ArrayList<>(List.of(p.message())) : null;
          entries.add(new BusFrames.Entry(messages, p.frame(), users));
        }
      });
    }
    perNode.forEach((node, entries) -> bus.send(node, BusFrames.DELIVER, BusFrames.deliver(entries)));
    for (Absent a : notHere) {
      if (!held.containsKey(Held.key(a.user()))) {
        offline.notify(a.user(), a.message());
      }
    }
  }

  /**
   * Any thread: pushes the latest message of a conversation to {@code user}'s sessions here again;
   * a device that missed messages before it sees the gap and syncs, one that did not ignores it.
   */
  public void nudge(String user, StoredMessage latest) {
    local.pushHere(List.of(latest), Set.of(user));
  }

  /** On the bus thread: another node's batch for sessions here. */
  private void received(List<BusFrames.Entry> entries) {
    for (BusFrames.Entry e : entries) {
      if (e.frame() != null) {
        for (String u : e.users()) {
          local.sendToUser(u, e.frame());
        }
      } else {
        local.pushHere(e.messages(), e.users());
      }
    }
  }
}
