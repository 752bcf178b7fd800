package dev.parley.bench.client;

import dev.parley.bench.ServerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reconnect storm: N SDK clients (in several processes, each under the 20,000 open-file limit)
 * are logged in to a server; the server is killed (SIGKILL) or stopped (SIGTERM, GoAway) at
 * once, started again after a pause on the same ports, and every client reconnects by the SDK's
 * policy. Measured: time until all are logged in again, the server's CPU (peak over one second,
 * in % of one core) while they come back, and the login rate over time. Run once per jitter
 * setting, side by side.
 *
 * <p>Usage: {@code ReconnectStorm [clients] [processes] [downSeconds] [kill|stop] [jitter,jitter,...]}
 * (defaults 18000 4 10 kill 0.5,0).
 */
public final class ReconnectStorm {
  static final String SECRET = "storm-secret-storm-secret-storm-secret-0123";
  private static final long BUCKET_MS = 500;

  private ReconnectStorm() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 18_000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int down = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    boolean kill = args.length <= 3 || args[3].equals("kill");
    double[] jitters = Arrays.stream((args.length > 4 ? args[4] : "0.5,0").split(",")).mapToDouble(Double::parseDouble)
        .toArray();
    List<String> summary = new ArrayList<>();
    for (double j : jitters) {
      summary.add(run(clients, processes, down, kill, j));
    }
    System.out.println();
    System.out.println("| jitter | all back after server ready | after the kill | peak logins/s (1 s) | "
        + "server CPU peak (1 s) | server CPU mean | connect attempts |");
    System.out.println("|---|---|---|---|---|---|---|");
    summary.forEach(System.out::println);
  }

  /** Server flags: per-IP limits raised, since every client comes from 127.0.0.1. */
  static List<String> serverFlags(int tcp) {
    return List.of("--im.tcp.port=" + tcp, "--auth.jwt.secret=" + SECRET, "--log.level=warn",
        "--im.rate.logins-per-second-per-ip=1000000", "--im.rate.login-burst-per-ip=1000000",
        "--im.tcp.max-connections-per-ip=0", "--im.shutdown.reconnect-after=2s");
  }

  private static String run(int n, int processes, int down, boolean kill, double jitter) throws Exception {
    System.out.printf("%n=== %d clients in %d processes, server %s, back after %d s, jitter %.2f ===%n", n, processes,
        kill ? "killed (SIGKILL)" : "stopped (SIGTERM, GoAway)", down, jitter);
    int tcp = ServerProcess.freePort();
    int http = ServerProcess.freePort();
    ServerProcess server = ServerProcess.start(List.of("-Xmx2g"), http, serverFlags(tcp));
    List<ClientProcess> procs = new ArrayList<>();
    try {
      int per = (n + processes - 1) / processes;
      for (int p = 0; p < processes; p++) {
        int count = Math.min(per, n - p * per);
        procs.add(new ClientProcess(tcp, p * per, count, jitter));
      }
      long ramp = System.currentTimeMillis();
      waitOnline(procs, n, 300);
      System.out.printf("all %d online after %.1f s of ramp-up%n", n, (System.currentTimeMillis() - ramp) / 1000.0);
      Thread.sleep(5000);

      CpuSampler cpu = new CpuSampler(server.pid());
      long attempts0 = procs.stream().mapToLong(c -> c.attempts).sum();
      long clientCpu0 = clientCpu(procs);
      long tKill = System.currentTimeMillis();
      if (kill) {
        server.kill();
      } else {
        server.stop();
      }
      server.close();
      Thread.sleep(down * 1000L);
      long tStart = System.currentTimeMillis();
      server = ServerProcess.start(List.of("-Xmx2g"), http, serverFlags(tcp));
      cpu.follow(server.pid());
      long tReady = System.currentTimeMillis();
      waitOnline(procs, n, 600);
      long tAll = System.currentTimeMillis();
      long clientCpu = clientCpu(procs) - clientCpu0;
      Thread.sleep(2000);
      cpu.stop();
      long attempts = procs.stream().mapToLong(c -> c.attempts).sum() - attempts0;

      List<Long> logins = new ArrayList<>();
      for (ClientProcess c : procs) {
        logins.addAll(c.report(tKill));
      }
      System.out.printf("the %d client processes used %.0f%% of one core from the kill until all were back%n",
          procs.size(), 100.0 * clientCpu / Math.max(1, tAll - tKill));
      return summarize(n, jitter, tKill, tStart, tReady, tAll, logins, cpu, attempts);
    } finally {
      for (ClientProcess c : procs) {
        c.close();
      }
      server.close();
    }
  }

  private static String summarize(int n, double jitter, long tKill, long tStart, long tReady, long tAll,
      List<Long> logins, CpuSampler cpu, long attempts) {
    System.out.printf("server restarted %.1f s after the kill, ready (health check) %.1f s after it%n",
        (tStart - tKill) / 1000.0, (tReady - tKill) / 1000.0);
    System.out.printf("all %d clients logged in again %.1f s after the server was ready (%.1f s after the kill); "
        + "%d logins, %d connect attempts%n", n, (tAll - tReady) / 1000.0, (tAll - tKill) / 1000.0, logins.size(),
        attempts);
    int buckets = (int) ((tAll - tKill) / BUCKET_MS) + 1;
    int[] perBucket = new int[buckets];
    for (long t : logins) {
      int b = (int) ((t - tKill) / BUCKET_MS);
      if (b >= 0 && b < buckets) {
        perBucket[b]++;
      }
    }
    int peak = 0;
    for (int b = 0; b + 1 < buckets; b++) {
      peak = Math.max(peak, perBucket[b] + perBucket[b + 1]);
    }
    System.out.println("logins per 0.5 s after the kill (t = seconds after the kill; server CPU in % of one core):");
    int max = Arrays.stream(perBucket).max().orElse(1);
    for (int b = 0; b < buckets; b++) {
      long from = tKill + b * BUCKET_MS;
      if (perBucket[b] == 0 && from < tReady - BUCKET_MS) {
        continue;
      }
      int bar = max == 0 ? 0 : (int) Math.round(50.0 * perBucket[b] / max);
      System.out.printf("  t=%5.1f  %6d  cpu %4.0f%%  %s%n", b * BUCKET_MS / 1000.0, perBucket[b],
          cpu.percent(from, from + BUCKET_MS), "#".repeat(bar));
    }
    double peakCpu = cpu.peakPercent(tReady, tAll + 1000, 1000);
    double meanCpu = cpu.percent(tReady, tAll);
    System.out.printf("peak login rate %d/s; server CPU peak %.0f%% of one core (1 s window), mean %.0f%% "
        + "from ready to all back%n", peak, peakCpu, meanCpu);
    return String.format("| %.2f | %.1f s | %.1f s | %,d | %.0f %% | %.0f %% | %,d |", jitter, (tAll - tReady) / 1000.0,
        (tAll - tKill) / 1000.0, peak, peakCpu, meanCpu, attempts);
  }

  private static long clientCpu(List<ClientProcess> procs) {
    return procs.stream().mapToLong(c -> CpuSampler.cpuMillis(c.process.pid())).sum();
  }

  static void waitOnline(List<ClientProcess> procs, int n, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (procs.stream().mapToInt(c -> c.online).sum() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + procs.stream().mapToInt(c -> c.online).sum() + " of " + n
            + " online after " + seconds + " s");
      }
      Thread.sleep(20);
    }
  }

  /** One {@link StormClients} process and what it last reported. */
  static final class ClientProcess implements AutoCloseable {
    final Process process;
    final PrintWriter commands;
    volatile int online;
    volatile long attempts;
    private volatile CompletableFuture<List<Long>> report = new CompletableFuture<>();

    ClientProcess(int port, int first, int count, double jitter) throws Exception {
      String jar = Path.of(ReconnectStorm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
          "-cp", jar, StormClients.class.getName(), String.valueOf(port), String.valueOf(first), String.valueOf(count),
          SECRET, String.valueOf(jitter)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "storm-client-" + first);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("STAT ")) {
            String[] f = line.split(" ");
            online = Integer.parseInt(f[1]);
            attempts = Long.parseLong(f[2]);
          } else if (line.startsWith("LOGINS")) {
            List<Long> ts = new ArrayList<>();
            for (String s : line.substring(6).trim().split(" ")) {
              if (!s.isEmpty()) {
                ts.add(Long.parseLong(s));
              }
            }
            report.complete(ts);
          }
        }
      } catch (Exception e) {
        report.completeExceptionally(e);
      }
    }

    List<Long> report(long since) throws Exception {
      report = new CompletableFuture<>();
      commands.println("REPORT " + since);
      return report.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      commands.println("EXIT");
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
