package dev.parley.bench.client;

import dev.parley.bench.ClusterNodes;
import dev.parley.bench.ServerProcess;
import dev.parley.client.ClientConfig;
import dev.parley.client.ClientRuntime;
import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.core.auth.TokenService;
import dev.parley.core.testing.Haproxy;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failover of a cluster node: three nodes on one PostgreSQL and one Redis behind HAProxy running
 * docs/cluster/haproxy.cfg. N SDK clients (in {@link StormClients} processes) log in through the
 * proxy while only node 1 is up, so node 1 holds all of them; nodes 2 and 3 come up; senders on
 * node 1 message receivers on the others throughout; node 1 is killed (SIGKILL). Measured: the
 * time until every client is logged in again (on the other two), and whether every message the
 * server acknowledged reached its receiver exactly once and in order.
 *
 * <p>Usage (from the repository root): {@code FailoverBench [clients] [processes] [pairs]}
 * (defaults 5000 2 50). Three nodes on one two-core machine measure the failover path, not what
 * three machines would carry.
 */
public final class FailoverBench {
  private static final String ADMIN = "failover-admin-secret";
  private static final Pattern IM_TCP = Pattern.compile("\"im-tcp\":(\\d+)");
  /** The SDK's log would say every reconnect of thousands of clients. */
  private static final Logger SDK_LOG = Logger.getLogger("dev.parley.client");

  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    SDK_LOG.setLevel(Level.WARNING);
    try (PostgresServer postgres = new PostgresServer(true); RedisServer redis = new RedisServer()) {
      postgres.start();
      redis.start();
      postgres.createDatabase("failover");
      List<String> shared = new ArrayList<>(ClusterNodes.shared(postgres, "failover", redis));
      shared.add("--admin.secret=" + ADMIN);
      run(clients, processes, pairs, shared);
    }
  }

  private static void run(int n, int processes, int pairs, List<String> shared) throws Exception {
    List<Haproxy.Node> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports.add(new Haproxy.Node(ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort(),
          ServerProcess.freePort()));
    }
    List<ServerProcess> nodes = new ArrayList<>();
    List<ReconnectStorm.ClientProcess> procs = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ClientRuntime runtime = ClientRuntime.builder().ioThreads(1).name("failover").build();
    TokenService tokens = new TokenService(ReconnectStorm.SECRET, Map.of(), null, Duration.ofSeconds(30),
        Clock.systemUTC());
    try (Haproxy proxy = new Haproxy(Haproxy.DOCUMENTED, ports)) {
      nodes.add(node(1, ports.get(0), shared));
      proxy.start();
      String via = "tcp://127.0.0.1:" + proxy.port();
      List<ParleyClient> senders = clients(runtime, tokens, via, "fs", pairs);
      awaitOnline(senders, 60);
      int per = (n + processes - 1) / processes;
      for (int p = 0; p < processes; p++) {
        procs.add(new ReconnectStorm.ClientProcess(proxy.port(), p * per, Math.min(per, n - p * per), 0.5));
      }
      ReconnectStorm.waitOnline(procs, n, 300);
      nodes.add(node(2, ports.get(1), shared));
      nodes.add(node(3, ports.get(2), shared));
      // HAProxy marks a node up after two health checks a second apart.
      Thread.sleep(4000);
      List<ParleyClient> receivers = clients(runtime, tokens, via, "fr", pairs);
      awaitOnline(receivers, 60);
      System.out.println("connections per node before the kill: " + connections(ports));

      Map<String, List<Long>> received = new ConcurrentHashMap<>();
      for (ParleyClient r : receivers) {
        r.onMessage(m -> received.computeIfAbsent(m.getSender(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(Long.parseLong(m.getText())));
      }
      Map<String, List<Long>> acked = new ConcurrentHashMap<>();
      AtomicLong next = new AtomicLong();
      boolean[] sending = {true};
      timer.scheduleAtFixedRate(() -> {
        if (!sending[0]) {
          return;
        }
        for (int i = 0; i < pairs; i++) {
          ParleyClient s = senders.get(i);
          long k = next.incrementAndGet();
          s.sendText(receivers.get(i).userId(), Long.toString(k)).result().thenRun(
              () -> acked.computeIfAbsent(s.userId(), x -> Collections.synchronizedList(new ArrayList<>())).add(k));
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      Thread.sleep(3000);

      long tKill = System.currentTimeMillis();
      nodes.get(0).kill();
      ReconnectStorm.waitOnline(procs, n, 300);
      long tAll = System.currentTimeMillis();
      awaitOnline(senders, 120);
      long tSenders = System.currentTimeMillis();
      System.out.println("connections per node after: " + connections(ports.subList(1, 3)));
      Thread.sleep(3000);
      sending[0] = false;
      long sent = next.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (senders.stream().anyMatch(s -> s.pendingSends() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long ackedCount = acked.values().stream().mapToLong(List::size).sum();
      while (receivedCount(received) < ackedCount && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      report(n, tKill, tAll, tSenders, sent, acked, received);
    } finally {
      timer.shutdownNow();
      for (ReconnectStorm.ClientProcess c : procs) {
        c.close();
      }
      runtime.close();
      for (ServerProcess node : nodes) {
        node.close();
      }
    }
  }

  private static ServerProcess node(int i, Haproxy.Node at, List<String> shared) throws Exception {
    List<String> flags = new ArrayList<>(ReconnectStorm.serverFlags(at.tcp()));
    flags.addAll(shared);
    flags.addAll(ClusterNodes.own(i, at.mqtt(), at.rtmp()));
    return ServerProcess.start(List.of("-Xmx2g"), at.http(), flags);
  }

  private static List<ParleyClient> clients(ClientRuntime runtime, TokenService tokens, String via, String prefix,
      int count) {
    List<ParleyClient> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ParleyClient c = ParleyClient.create(ClientConfig.builder().server(via)
          .token(tokens.mint(prefix + i, Duration.ofHours(1))).deviceId("bench").runtime(runtime).build());
      c.connect();
      out.add(c);
    }
    return out;
  }

  private static void awaitOnline(List<ParleyClient> clients, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (clients.stream().anyMatch(c -> c.state() != ConnectionState.ONLINE)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("clients not online after " + seconds + " s");
      }
      Thread.sleep(20);
    }
  }

  /** Each node's IM connections, from its {@code /api/v1/cluster} entry. */
  private static String connections(List<Haproxy.Node> nodes) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    StringBuilder out = new StringBuilder();
    for (Haproxy.Node n : nodes) {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.http() + "/api/v1/cluster"))
          .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body();
      // This node's own entry comes first.
      Matcher m = IM_TCP.matcher(body);
      out.append(m.find() ? m.group(1) : "?").append(' ');
    }
    return out.toString().trim();
  }

  private static long receivedCount(Map<String, List<Long>> received) {
    return received.values().stream().mapToLong(List::size).sum();
  }

  private static void report(int n, long tKill, long tAll, long tSenders, long sent, Map<String, List<Long>> acked,
      Map<String, List<Long>> received) {
    long lost = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    long ackedCount = 0;
    for (Map.Entry<String, List<Long>> e : acked.entrySet()) {
      List<Long> got = received.getOrDefault(e.getKey(), List.of());
      ackedCount += e.getValue().size();
      for (long k : e.getValue()) {
        long times = got.stream().filter(x -> x == k).count();
        if (times == 0) {
          lost++;
        } else if (times > 1) {
          duplicates += times - 1;
        }
      }
      for (int i = 1; i < got.size(); i++) {
        if (got.get(i) < got.get(i - 1)) {
          outOfOrder++;
        }
      }
    }
    System.out.printf("all %d clients logged in again on the other nodes %.1f s after the kill; the senders %.1f s "
        + "after it%n", n, (tAll - tKill) / 1000.0, (tSenders - tKill) / 1000.0);
    System.out.printf("messages: %d sent, %d acknowledged, %d of those lost, %d duplicates, %d out of order%n", sent,
        ackedCount, lost, duplicates, outOfOrder);
    System.out.printf("| %,d | %.1f s | %,d | %,d | %d | %d | %d |%n", n, (tAll - tKill) / 1000.0, sent, ackedCount, lost,
        duplicates, outOfOrder);
  }
}
