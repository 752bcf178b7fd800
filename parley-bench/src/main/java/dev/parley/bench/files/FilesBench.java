package dev.parley.bench.files;

import dev.parley.bench.Procs;
import dev.parley.bench.ServerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads over tus and downloads, on loopback, against the server jar: one file of {@code MiB}
 * (MB/s and server CPU), then {@code PARALLEL} uploads of that size at once with the server's heap
 * sampled after full GCs (its growth over the idle heap), beside {@code dd}'s sequential write
 * speed on the same disk (1 GiB, fdatasync).
 *
 * <pre>java -cp parley-bench/target/parley-bench.jar dev.parley.bench.files.FilesBench MiB PARALLEL</pre>
 */
public final class FilesBench {
  private static final String UPLOADS = "/api/v1/files/uploads";

  private FilesBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path work = Files.createTempDirectory("parley-files-bench-");
    Path file = work.resolve("upload.bin");
    write(file, (long) mib << 20);
    System.out.printf("dd 1 GiB sequential write (fdatasync): %s%n", dd(work));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ServerProcess server = ServerProcess.start(List.of("-Xmx512m"), port, List.of("--im.tcp.port=0",
        "--mqtt.port=0", "--live.rtmp.port=0", "--rtc.turn.udp.port=0", "--rtc.turn.tcp.port=0",
        "--files.max-size=64GiB", "--files.quota-per-user=0", "--files.max-uploads-per-user=1000"))) {
      String base = "http://127.0.0.1:" + port;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = token(http, base);
      long size = Files.size(file);

      long cpu0 = Procs.cpuMillis(server.pid());
      long t0 = System.nanoTime();
      String fileId = upload(http, base, token, file, size);
      double secs = (System.nanoTime() - t0) / 1e9;
      long cpu = Procs.cpuMillis(server.pid()) - cpu0;
      System.out.printf("upload %d MiB: %.1f s, %.0f MB/s, server CPU %.2f s (%.0f%% of a core)%n", mib, secs,
          size / 1e6 / secs, cpu / 1e3, cpu / 10.0 / secs);

      cpu0 = Procs.cpuMillis(server.pid());
      t0 = System.nanoTime();
      HttpResponse<Void> got = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/files/" + fileId))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
      secs = (System.nanoTime() - t0) / 1e9;
      cpu = Procs.cpuMillis(server.pid()) - cpu0;
      System.out.printf("download %d MiB (status %d): %.1f s, %.0f MB/s, server CPU %.2f s%n", mib, got.statusCode(),
          secs, size / 1e6 / secs, cpu / 1e3);

      long idle = server.heapAfterGc();
      AtomicLong peak = new AtomicLong(idle);
      AtomicBoolean running = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (running.get()) {
          try {
            peak.accumulateAndGet(server.heapAfterGc(), Math::max);
            Thread.sleep(2000); // the bench's own pacing between heap samples
          } catch (Exception e) {
            return;
          }
        }
      });
      sampler.start();
      t0 = System.nanoTime();
      List<CompletableFuture<String>> all = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        all.add(CompletableFuture.supplyAsync(() -> {
          try {
            return upload(http, base, token, file, size);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      all.forEach(CompletableFuture::join);
      secs = (System.nanoTime() - t0) / 1e9;
      running.set(false);
      sampler.join();
      System.out.printf("%d parallel uploads of %d MiB: %.1f s, %.0f MB/s in all; heap after GC idle %d MiB, "
          + "highest during %d MiB (growth %d MiB)%n", parallel, mib, secs, parallel * size / 1e6 / secs, idle >> 20,
          peak.get() >> 20, (peak.get() - idle) >> 20);
    } finally {
      try (var s = Files.walk(work)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String token(HttpClient http, String base) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dev/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"bench\"}")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no token: " + body);
    }
    return m.group(1);
  }

  /** One tus upload of the whole file in one PATCH; answers the file id. */
  private static String upload(HttpClient http, String base, String token, Path file, long size) throws Exception {
    HttpResponse<Void> created = http.send(HttpRequest.newBuilder(URI.create(base + UPLOADS))
        .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(size)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    String at = created.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
        "creation answered " + created.statusCode()));
    HttpResponse<Void> done = http.send(HttpRequest.newBuilder(URI.create(base + at)).timeout(Duration.ofMinutes(30))
        .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.discarding());
    return done.headers().firstValue("Parley-File-Id").orElseThrow(() -> new IllegalStateException(
        "upload answered " + done.statusCode()));
  }

  /** Random bytes, so content differs from any other run's. */
  private static void write(Path file, long size) throws IOException {
    byte[] buf = new byte[1 << 20];
    Random r = new Random();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long n = 0; n < size; n += buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, size - n));
      }
    }
  }

  private static String dd(Path dir) throws Exception {
    Process p = new ProcessBuilder("dd", "if=/dev/zero", "of=" + dir.resolve("dd.bin"), "bs=1M", "count=1024",
        "conv=fdatasync").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Files.deleteIfExists(dir.resolve("dd.bin"));
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }
}
