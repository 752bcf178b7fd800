package dev.parley.bench.mqtt;

import dev.parley.bench.ClusterNodes;
import dev.parley.bench.ServerProcess;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MQTT across cluster nodes, side by side in one run: the {@link LoadGen} fan-out (one publisher,
 * N subscribers of one topic) and pairs scenarios against one server on its own, against two
 * cluster nodes (PostgreSQL and Redis) with publisher and subscribers on the same node, and with
 * the publisher on one node and every subscriber on the other, so each message crosses the bus
 * once per node. Fresh servers for each layout.
 *
 * <pre>
 *   java -cp parley-bench/target/parley-bench.jar dev.parley.bench.mqtt.MqttClusterBench [subscribers] [pairs] [seconds]
 * </pre>
 * (defaults 1000, 500, 15). Two nodes on one two-core machine measure what crossing nodes costs,
 * not what two machines would carry.
 */
public final class MqttClusterBench {
  private MqttClusterBench() {}

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    String[][] scenarios = {
        {"fanout", "0", "--subscribers=" + subscribers, "--window=8"},
        {"fanout", "1", "--subscribers=" + subscribers, "--window=8"},
        {"pairs", "1", "--pairs=" + pairs, "--window=16"}};
    List<String> rows = new ArrayList<>();
    try (PostgresServer postgres = new PostgresServer(true); RedisServer redis = new RedisServer()) {
      postgres.start();
      redis.start();
      for (String layout : List.of("1 node", "2 nodes, same node", "2 nodes, across")) {
        List<ServerProcess> nodes = new ArrayList<>();
        List<Integer> mqtt = new ArrayList<>();
        String db = "mqtt_" + System.nanoTime();
        try {
          int count = layout.equals("1 node") ? 1 : 2;
          if (count > 1) {
            postgres.createDatabase(db);
          }
          for (int i = 1; i <= count; i++) {
            int port = ServerProcess.freePort();
            mqtt.add(port);
            List<String> flags = new ArrayList<>(List.of("--log.level=warn", "--mqtt.acl=allow all any #",
                "--mqtt.max-connections-per-ip=0", "--im.tcp.port=" + ServerProcess.freePort()));
            if (count > 1) {
              flags.addAll(ClusterNodes.shared(postgres, db, redis));
            }
            flags.addAll(ClusterNodes.own(i, port, 0));
            nodes.add(ServerProcess.start(List.of("-Xmx2g"), ServerProcess.freePort(), flags));
          }
          int subPort = mqtt.get(mqtt.size() - 1);
          int pubPort = layout.endsWith("across") ? mqtt.get(0) : subPort;
          for (String[] s : scenarios) {
            long cpu0 = cpu(nodes);
            long t0 = System.nanoTime();
            Map<String, String> r = loadgen(List.of("--scenario=" + s[0], "--qos=" + s[1], s[2], s[3],
                "--port=" + subPort, "--pub-port=" + pubPort, "--duration=" + seconds, "--warmup=5",
                "--settle-ms=" + (count > 1 ? 2000 : 0)));
            double cpu = (cpu(nodes) - cpu0) / 10.0 / ((System.nanoTime() - t0) / 1e9);
            String row = String.format("| %s | %s QoS %s | %,.0f | %.2f / %.2f | %.0f %% |", layout, s[0], s[1],
                Double.parseDouble(r.get("msgs_per_s")), Double.parseDouble(r.get("p50_us")) / 1000,
                Double.parseDouble(r.get("p99_us")) / 1000, cpu);
            System.out.println(row);
            rows.add(row);
          }
        } finally {
          for (ServerProcess n : nodes) {
            n.close();
          }
          if (layout.startsWith("2")) {
            postgres.dropDatabase(db);
          }
        }
      }
    }
    System.out.println();
    System.out.println("| layout | scenario | deliveries/s | p50 / p99 ms | servers' CPU (whole run, % of a core) |");
    System.out.println("|---|---|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  private static long cpu(List<ServerProcess> nodes) throws Exception {
    long sum = 0;
    for (ServerProcess n : nodes) {
      sum += n.cpuMillis();
    }
    return sum;
  }

  private static Map<String, String> loadgen(List<String> args) throws Exception {
    return MqttCompare.loadgen(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        System.getProperty("java.class.path"), args);
  }
}
