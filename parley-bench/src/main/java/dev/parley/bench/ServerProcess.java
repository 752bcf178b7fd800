package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Parley server under test, as its own process (own heap, own file limit), started from the
 * runnable jar with config flags, on a fresh data directory.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path dataDir;
  private final int httpPort;
  private final Path log;

  private ServerProcess(Process process, Path dataDir, int httpPort, Path log) {
    this.process = process;
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts {@code java <jvmArgs> -jar parley-server/target/parley.jar start <flags>} and waits until
   * {@code /healthz} answers.
   */
  public static ServerProcess start(List<String> jvmArgs, int httpPort, List<String> flags) throws Exception {
    Path jar = Path.of(System.getProperty("parley.jar", "parley-server/target/parley.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./parley build first");
    }
    Path dir = Files.createTempDirectory("parley-bench-");
    Path log = dir.resolve("server.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.add("start");
    cmd.add("--data.dir=" + dir.resolve("data"));
    cmd.add("--http.port=" + httpPort);
    cmd.addAll(flags);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess sp = new ServerProcess(p, dir, httpPort, log);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return sp;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    sp.close();
    throw new IllegalStateException("server did not become healthy in 60 s");
  }

  /** Kills the process at once (SIGKILL): no GoAway, no flush, sockets closed by the kernel. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the process gracefully (SIGTERM: GoAway to every client, flush, exit) and waits for it. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  public long pid() {
    return process.pid();
  }

  public int httpPort() {
    return httpPort;
  }

  /** CPU time (user + system) the process has used, in milliseconds. */
  public long cpuMillis() throws IOException {
    return Procs.cpuMillis(pid());
  }

  /** Resident set size in bytes. */
  public long rssBytes() throws IOException {
    long kib = Procs.rssKiB(pid());
    return kib < 0 ? -1 : kib * 1024;
  }

  /** Heap in use right after a full GC, in bytes (via jcmd). */
  public long heapAfterGc() throws Exception {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    // G1: "garbage-first heap   total 262144K, used 12345K"; Serial/Parallel print "used NNNK" per space.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
    if (m.find()) {
      return Long.parseLong(m.group(1)) * 1024;
    }
    throw new IllegalStateException("cannot read heap use from: " + info);
  }

  private String jcmd(String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (var walk = Files.walk(dataDir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A free TCP port on loopback. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
