package dev.parley.bench.rtc;

import dev.parley.bench.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The TURN servers {@link TurnBench} compares, each in its own process on free loopback ports: Parley and coturn. */
final class TurnServers {
  private TurnServers() {}

  /** A TURN server running: its process and the port it serves TURN on (UDP and TCP). */
  record Running(ServerProcess process, int port) implements AutoCloseable {
    String name() {
      return process.name();
    }

    /** Parley's counters of packets it did not relay, from /metrics (empty for coturn). */
    String dropCounters() throws Exception {
      if (process.httpPort() <= 0) {
        return "";
      }
      return String.join("; ", process.metrics().nonZero("parley_rtc_dropped"));
    }

    @Override
    public void close() throws InterruptedException {
      process.close();
    }
  }

  /** Parley from this jar's class path, with loopback peers allowed and no quotas. */
  static Running parley(Path dir, String secret, int ioThreads, List<String> jvmArgs) throws IOException {
    int port = ServerProcess.freeUdpPort();
    int httpPort = ServerProcess.freePort();
    List<String> flags = List.of("--log.level=warn", "--http.host=127.0.0.1",
        "--rtc.turn.udp.host=127.0.0.1", "--rtc.turn.udp.port=" + port,
        "--rtc.turn.tcp.host=127.0.0.1", "--rtc.turn.tcp.port=" + ServerProcess.freePort(),
        "--rtc.turn.secret=" + secret, "--rtc.turn.realm=bench", "--rtc.turn.allowed-peers=127.0.0.0/8",
        "--rtc.turn.user-quota=0", "--rtc.turn.total-quota=0", "--server.io-threads=" + ioThreads);
    return new Running(ServerProcess.parley(dir, jvmArgs, httpPort, flags), port);
  }

  /**
   * coturn's turnserver with a config file generated in {@code dir}: REST secret, loopback peers
   * allowed, {@code relayThreads} relay threads (0: coturn's default, one per CPU).
   */
  static Running coturn(Path dir, String secret, int relayThreads) throws IOException {
    int port = ServerProcess.freePortPair();
    Path conf = dir.resolve("turnserver.conf");
    List<String> lines = new ArrayList<>(List.of(
        "listening-ip=127.0.0.1",
        "listening-port=" + port,
        "relay-ip=127.0.0.1",
        "min-port=40000",
        "max-port=48000",
        "use-auth-secret",
        "static-auth-secret=" + secret,
        "realm=bench",
        "allow-loopback-peers",
        "no-tls",
        "no-dtls",
        "no-tcp-relay",
        "no-cli",
        "no-multicast-peers",
        "user-quota=0",
        "total-quota=0",
        "pidfile=" + dir.resolve("turnserver.pid"),
        "log-file=" + dir.resolve("coturn.log"),
        "simple-log",
        relayThreads > 0 ? "relay-threads=" + relayThreads : "",
        ""));
    Files.writeString(conf, String.join("\n", lines));
    return new Running(ServerProcess.peer("coturn", List.of("turnserver", "-c", conf.toString()),
        dir.resolve("coturn.out")), port);
  }
}
