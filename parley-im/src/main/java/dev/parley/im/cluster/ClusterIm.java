package dev.parley.im.cluster;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.im.delivery.OfflineNotifier;
import dev.parley.im.session.Transition;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Message;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IM's part of a cluster: the {@link ClusterDirectory} and {@link ClusterRouter} over the node
 * bus, and what happens when the bus comes back after an outage: presence is exchanged again, and
 * every device here is pushed the latest message of each of its conversations, so one that missed
 * messages the bus lost sees the gap and syncs it from the store (nothing acknowledged is lost:
 * it is in the store; only its push was).
 */
public final class ClusterIm {
  private static final Logger log = LoggerFactory.getLogger(ClusterIm.class);

  private final ClusterDirectory directory;
  private final ClusterRouter router;
  private final ImStore store;

  private ClusterIm(ClusterDirectory directory, ClusterRouter router, ImStore store) {
    this.directory = directory;
    this.router = router;
    this.store = store;
  }

  /**
   * Builds IM's cluster parts on {@code bus}.
   *
   * @param presence the presence hub, told whether users are online anywhere
   * @param cluster the nodes alive (looked up when needed: the kernel registers it late on one node)
   */
  public static ClusterIm on(NodeBus bus, Consumer<Transition> presence, Supplier<Cluster> cluster,
      OfflineNotifier offline, ImStore store) {
    ClusterDirectory directory = new ClusterDirectory(bus, presence, () -> {
      Set<String> ids = new HashSet<>();
      for (NodeInfo n : cluster.get().nodes()) {
        ids.add(n.id());
      }
      return ids;
    });
    ClusterIm im = new ClusterIm(directory, new ClusterRouter(bus, directory, offline), store);
    bus.onResume(im::resumed);
    return im;
  }

  public ClusterDirectory directory() {
    return directory;
  }

  public ClusterRouter router() {
    return router;
  }

  /** Once the node serves: presence with the others. */
  public void started() {
    directory.announce();
  }

  /** On the bus thread, after an outage of the bus: presence again, and the devices here nudged to sync. */
  public void resumed() {
    directory.announce();
    Set<String> users = new LinkedHashSet<>();
    directory.forEach(s -> users.add(s.user()));
    log.info("im: bus back; nudging {} user(s) here to sync what it may have lost", users.size());
    for (String user : users) {
      store.conversations(user).whenComplete((list, failure) -> {
        if (failure != null) {
          log.warn("im: could not read the conversations of {} to nudge it ({})", user, failure.toString());
          return;
        }
        nudge(user, list);
      });
    }
  }

  private void nudge(String user, List<Conversation> conversations) {
    for (Conversation c : conversations) {
      if (c.hasLastMessage()) {
        Message m = c.getLastMessage();
        router.nudge(user, new StoredMessage(m, m.getConversation(), m.getSeq(), m.getTimestamp(), Set.of(user)));
      }
    }
  }
}
