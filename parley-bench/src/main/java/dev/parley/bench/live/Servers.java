package dev.parley.bench.live;

import dev.parley.bench.Procs;
import dev.parley.bench.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the servers under test as child processes, ready once they accept RTMP connections. */
final class Servers {
  private Servers() {}

  /** Parley from this very jar, in its own JVM. */
  static ServerProcess parley(Path dir, int httpPort, int rtmpPort, String heap, List<String> extra) throws Exception {
    List<String> flags = new ArrayList<>(List.of("--http.host=127.0.0.1", "--live.rtmp.port=" + rtmpPort,
        "--live.rtmp.host=127.0.0.1", "--log.level=warn", "--live.rtmp.max-connections-per-ip=0",
        "--http.max-connections-per-ip=0"));
    flags.addAll(extra);
    ServerProcess p = ServerProcess.parley(dir, List.of("-Xms" + heap, "-Xmx" + heap), httpPort, flags);
    p.awaitPort(rtmpPort);
    return p;
  }

  /** nginx with the RTMP module, one worker, config generated here. */
  static ServerProcess nginx(Path dir, int rtmpPort) throws Exception {
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
    ServerProcess p = ServerProcess.peer("nginx", List.of("nginx", "-p", dir.resolve("nginx-tmp").toString(), "-c",
        conf.toString()), dir.resolve("nginx.log"));
    p.awaitPort(rtmpPort);
    return p;
  }

  /** CPU ticks of this JVM (the publisher and the readers). */
  static long selfTicks() {
    try {
      return Procs.cpuTicks(ProcessHandle.current().pid());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
