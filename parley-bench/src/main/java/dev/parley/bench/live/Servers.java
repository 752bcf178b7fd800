package dev.parley.bench.live;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the servers under test as child processes and reads their CPU time from /proc. */
final class Servers {
  private Servers() {}

  static int freePort() throws IOException {
    return dev.parley.bench.ServerProcess.freePort();
  }

  static void awaitPort(int port, Process p) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  /** Parley from this very jar, in its own JVM. */
  static Process parley(Path dir, int httpPort, int rtmpPort, String heap, List<String> extra) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-cp", cp,
        "dev.parley.server.cli.ParleyCommand", "start", "--data.dir=" + dir.resolve("parley-data"),
        "--http.port=" + httpPort, "--http.host=127.0.0.1", "--live.rtmp.port=" + rtmpPort, "--live.rtmp.host=127.0.0.1",
        "--log.level=warn", "--live.rtmp.max-connections-per-ip=0", "--http.max-connections-per-ip=0"));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("parley.log").toFile())
        .start();
    awaitPort(rtmpPort, p);
    return p;
  }

  /** nginx with the RTMP module, one worker, config generated here. */
  static Process nginx(Path dir, int rtmpPort) throws Exception {
    Path conf = dir.resolve("nginx.conf");
    Files.createDirectories(dir.resolve("nginx-tmp"));
    Files.writeString(conf, String.join("\n",
        "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;",
        "daemon off;",
        "master_process on;",
        "worker_processes 1;",
        "worker_rlimit_nofile 20000;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("nginx-error.log") + " warn;",
        "events { worker_connections 19000; }",
        "rtmp {",
        "  server {",
        "    listen 127.0.0.1:" + rtmpPort + ";",
        "    chunk_size 60000;", // as Parley's default: the players parse the same number of chunks
        "    application live { live on; }",
        "  }",
        "}", ""));
    Process p = new ProcessBuilder("nginx", "-p", dir.resolve("nginx-tmp").toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
    awaitPort(rtmpPort, p);
    return p;
  }

  /** CPU time in clock ticks (1/100 s) of a process and all its descendants. */
  static long cpuTicks(Process p) {
    long sum = ticks(p.pid());
    for (ProcessHandle h : p.descendants().toList()) {
      sum += ticks(h.pid());
    }
    return sum;
  }

  private static long ticks(long pid) {
    try {
      return dev.parley.bench.Procs.cpuTicks(pid);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU ticks of this JVM (the publisher and the readers). */
  static long selfTicks() {
    return ticks(ProcessHandle.current().pid());
  }
}
