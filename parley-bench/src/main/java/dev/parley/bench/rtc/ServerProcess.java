package dev.parley.bench.rtc;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A TURN server under test in its own process: Parley (this jar) or coturn's turnserver, on free loopback ports. */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final int httpPort;

  private ServerProcess(String name, Process process, int port, Path log, int httpPort) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Parley's counters of packets it did not relay, from /metrics (empty for coturn). */
  String dropCounters() throws Exception {
    if (httpPort <= 0) {
      return "";
    }
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.body().lines().filter(l -> l.startsWith("parley_rtc_dropped") && !l.endsWith(" 0.0"))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  /** Parley from this jar's class path, with loopback peers allowed and no quotas. */
  static ServerProcess parley(Path dir, String secret, int ioThreads, List<String> jvmArgs) throws IOException {
    int port = freeUdpPort();
    int httpPort = freeTcpPort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.parley.server.cli.ParleyCommand", "start",
        "--data.dir=" + dir.resolve("parley-data"), "--log.level=warn", "--http.host=127.0.0.1",
        "--http.port=" + httpPort, "--rtc.turn.udp.host=127.0.0.1", "--rtc.turn.udp.port=" + port,
        "--rtc.turn.tcp.host=127.0.0.1", "--rtc.turn.tcp.port=" + freeTcpPort(), "--rtc.turn.secret=" + secret,
        "--rtc.turn.realm=bench", "--rtc.turn.allowed-peers=127.0.0.0/8", "--rtc.turn.user-quota=0",
        "--rtc.turn.total-quota=0", "--server.io-threads=" + ioThreads));
    Path log = dir.resolve("parley.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServerProcess("parley", p, port, log, httpPort);
  }

  /**
   * coturn's turnserver with a config file generated in {@code dir}: REST secret, loopback peers
   * allowed, {@code relayThreads} relay threads (0: coturn's default, one per CPU).
   */
  static ServerProcess coturn(Path dir, String secret, int relayThreads) throws IOException {
    int port = freePortPair();
    Path conf = dir.resolve("turnserver.conf");
    Files.writeString(conf, String.join("\n",
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
    Path log = dir.resolve("coturn.out");
    Process p = new ProcessBuilder("turnserver", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServerProcess("coturn", p, port, log, -1);
  }

  /** CPU time the process has used, in seconds (user + system, all threads). */
  double cpuSeconds() throws IOException {
    return dev.parley.bench.Procs.cpuTicks(process.pid()) / 100.0;
  }

  boolean alive() {
    return process.isAlive();
  }

  String logTail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** A port p where UDP and TCP p and p+1 are free: coturn listens on both, and on p+1 for RFC 5780. */
  static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int p = freeUdpPort();
      if (p < 65535 && free(p) && free(p + 1)) {
        return p;
      }
    }
    throw new IOException("no free port pair found");
  }

  private static boolean free(int port) {
    try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ServerSocket t = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return s.getLocalPort();
    }
  }

  static int freeTcpPort() throws IOException {
    return dev.parley.bench.ServerProcess.freePort();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
