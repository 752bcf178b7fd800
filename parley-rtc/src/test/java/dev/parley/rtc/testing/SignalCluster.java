package dev.parley.rtc.testing;

import static org.awaitility.Awaitility.await;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.BusModule;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.time.TimeSource;
import dev.parley.im.testing.ImServer;
import dev.parley.rtc.signal.SignalRoutes;
import java.util.ArrayList;
import java.util.List;

/**
 * Signaling nodes in one JVM, sharing one PostgreSQL database and joined by an in-memory bus
 * whose view of the cluster is the nodes not {@linkplain #die dead}. Close it after.
 */
public final class SignalCluster implements AutoCloseable {
  private final TimeSource time;
  private final StorageFixture database = StorageFixture.create(StoreBackend.POSTGRES);
  private final InMemoryBus bus = new InMemoryBus();
  private final List<ImServer> nodes = new ArrayList<>();

  public SignalCluster(TimeSource time) {
    this.time = time;
  }

  /** The bus joining the nodes (for pauses and cuts). */
  public InMemoryBus bus() {
    return bus;
  }

  /** Starts node {@code id}: IM and rtc on ephemeral ports, in the cluster. */
  public ImServer node(String id) {
    ImServer.Builder builder = CallClients.server(time).with(() -> new BusModule(bus.node(id), bus.cluster(id)));
    database.kernelConfig().forEach(builder::set);
    ImServer s = builder.start();
    nodes.add(s);
    return s;
  }

  /** Node {@code id} dies: its bus stops and its entries go, and the others' views drop it. */
  public void die(String id) {
    bus.kill(id);
  }

  /** Waits until {@code node} sees {@code n} sessions of {@code user} on all nodes. */
  public static void awaitSessions(ImServer node, String user, int n) {
    SignalRoutes routes = node.kernel().kernel().context().services().first(SignalRoutes.class).orElseThrow();
    await().atMost(CallClients.WAIT).until(() -> routes.sessionsOf(user).size() == n);
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    bus.close();
    database.close();
  }
}
