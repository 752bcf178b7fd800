package dev.parley.bench.im;

import dev.parley.bench.ClusterNodes;
import dev.parley.bench.ServerProcess;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable 1:1 messages on the storage and node layouts of a deployment, side by side in one run:
 * one node on SQLite, one node on PostgreSQL, and three nodes on one PostgreSQL and one Redis with
 * every sender on another node than its receiver (and, for comparison, on the same node). Each
 * layout is measured at full load (closed loop, {@code window} sends in flight per sender) and then,
 * on fresh servers and a fresh database, at half of its own full-load rate; PostgreSQL runs with
 * fsync and synchronous commit on, as SQLite runs with {@code synchronous: full}.
 *
 * <pre>
 *   java -cp parley-bench/target/parley-bench.jar dev.parley.bench.im.ClusterBench [pairs] [window] [seconds] [layouts]
 * </pre>
 * {@code layouts}: some of {@code sqlite,postgres,cluster} (default: all three).
 * Needs Debian's postgresql and redis-server packages (as the cluster tests do). Three nodes on one
 * two-core machine measure what crossing nodes costs, not what three machines would carry.
 */
public final class ClusterBench {
  private static final int NODES = 3;

  private ClusterBench() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    List<String> only = args.length > 3 ? List.of(args[3].split(",")) : List.of();
    List<String> rows = new ArrayList<>();
    try (PostgresServer postgres = new PostgresServer(true); RedisServer redis = new RedisServer()) {
      postgres.start();
      redis.start();
      Layout sqlite = new Layout("1 node, SQLite", 1, null, null, false);
      Layout pg = new Layout("1 node, PostgreSQL", 1, postgres, null, false);
      Layout cross = new Layout("3 nodes, PostgreSQL + Redis, across nodes", NODES, postgres, redis, true);
      Layout same = new Layout("3 nodes, PostgreSQL + Redis, same node", NODES, postgres, redis, false);
      List<Layout> layouts = List.of(sqlite, pg, cross).stream()
          .filter(l -> only.isEmpty() || only.contains(l.key())).toList();
      for (Layout layout : layouts) {
        ImBench.Result full = layout.run(pairs, window, seconds, 0, "full load");
        ImBench.Result half = layout.run(pairs, window, seconds, full.perSecond() / 2, "half load");
        rows.add(row(layout.name, full, half));
        if (layout == cross) {
          ImBench.Result sameHalf = same.run(pairs, window, seconds, full.perSecond() / 2, "half load, same node");
          rows.add(row(same.name + " (at the across-nodes half load)", null, sameHalf));
        }
      }
    }
    System.out.println();
    System.out.println("| layout | full load msgs/s | full load p50 / p99 ms | server CPU (% of a core) | half load msgs/s "
        + "| half load p50 / p99 ms | server CPU |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static String row(String name, ImBench.Result full, ImBench.Result half) {
    String fullCells = full == null ? "| | | "
        : String.format("| %,.0f | %.1f / %.1f | %.0f ", full.perSecond(), full.p50(), full.p99(), full.serverPercent());
    return String.format("| %s %s| %,.0f | %.1f / %.1f | %.0f |", name, fullCells, half.perSecond(), half.p50(),
        half.p99(), half.serverPercent());
  }

  /** One way to deploy: how many nodes, on which store, and whether pairs cross nodes. */
  private static final class Layout {
    private final String name;
    private final int nodes;
    private final PostgresServer postgres;
    private final RedisServer redis;
    private final boolean acrossNodes;
    private int runs;

    /** Its name in the {@code layouts} argument. */
    String key() {
      return postgres == null ? "sqlite" : redis == null ? "postgres" : "cluster";
    }

    Layout(String name, int nodes, PostgresServer postgres, RedisServer redis, boolean acrossNodes) {
      this.name = name;
      this.nodes = nodes;
      this.postgres = postgres;
      this.redis = redis;
      this.acrossNodes = acrossNodes;
    }

    /** Fresh nodes (and a fresh database), one pairs run at {@code rate} (0: closed loop), then all stopped. */
    ImBench.Result run(int pairs, int window, int seconds, double rate, String label) throws Exception {
      String db = null;
      List<String> shared = new ArrayList<>();
      if (postgres != null) {
        db = "bench_" + runs++ + "_" + System.nanoTime();
        postgres.createDatabase(db);
        shared.addAll(redis == null ? ClusterNodes.postgresOnly(postgres, db) : ClusterNodes.shared(postgres, db, redis));
      }
      List<ServerProcess> servers = new ArrayList<>();
      int[] tcp = new int[nodes];
      try {
        for (int n = 0; n < nodes; n++) {
          tcp[n] = ServerProcess.freePort();
          List<String> flags = new ArrayList<>(shared);
          if (nodes > 1) {
            flags.addAll(ClusterNodes.own(n + 1, 0, 0));
          }
          servers.add(ServerProcess.start(ImBench.jvm(nodes > 1 ? "-Xmx1g" : "-Xmx2g"), ServerProcess.freePort(),
              ImBench.serverFlags(tcp[n], flags.toArray(String[]::new))));
        }
        // Pair i: sender on node i mod N, receiver on the next node (across) or the same one.
        int shift = acrossNodes ? 1 : 0;
        ImBench.Placement at = new ImBench.Placement(servers, i -> tcp[i % nodes], i -> tcp[(i + shift) % nodes]);
        System.out.printf("%n=== %s: %s ===%n", name, label);
        ImBench.Result result = ImBench.pairsRun(at, pairs, window, seconds, rate, label);
        printStoreTrouble(servers, db);
        return result;
      } finally {
        for (ServerProcess s : servers) {
          s.close();
        }
        if (db != null) {
          postgres.dropDatabase(db);
        }
      }
    }

    /**
     * What slowed the writers down, if anything: batches a node retried op by op (its log says so)
     * and, on PostgreSQL, the deadlocks the server detected in the run's database.
     */
    private void printStoreTrouble(List<ServerProcess> servers, String db) throws Exception {
      long retried = 0;
      for (ServerProcess s : servers) {
        retried += s.log().lines().filter(l -> l.contains("retrying its operations one by one")).count();
      }
      String deadlocks = "-";
      if (db != null) {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(db), PostgresServer.USER, "");
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
          deadlocks = rs.next() ? Long.toString(rs.getLong(1)) : "?";
        }
      }
      System.out.printf("store: %d batches retried op by op, %s deadlocks detected by PostgreSQL%n", retried, deadlocks);
    }
  }
}
