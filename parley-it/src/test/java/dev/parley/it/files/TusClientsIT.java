package dev.parley.it.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.HttpTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tus clients nobody here wrote against the server jar: tus-js-client (npm, under node) and
 * tuspy (Debian python3-tuspy). Uploads cut at random offsets resume to a byte-identical file;
 * a server killed with SIGKILL between two chunks of an upload keeps every byte it acknowledged; content the server
 * holds uploads again without its bytes.
 */
class TusClientsIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("parley-server/target/parley.jar");
  /** tus-js-client's version; npm fetches it (integrity-checked) into target/ once. */
  static final String TUS_JS = "4.3.1";
  static final Path NPM = ROOT.resolve("parley-it/target/tus-js-client");
  static final String PYTHON = "/usr/bin/python3"; // Debian's, where python3-tuspy lives
  static final Pattern FILE = Pattern.compile("FILE (\\S+)");

  @TempDir
  Path dir;
  int http;
  Process server;
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void tusJsClient() throws Exception {
    if (Files.exists(NPM.resolve("node_modules/tus-js-client/package.json"))) {
      return;
    }
    Files.createDirectories(NPM);
    Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent", "tus-js-client@" + TUS_JS)
        .directory(NPM.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      http = s.getLocalPort();
    }
    server = startServer();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process startServer() throws Exception {
    int n = processes.size();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString(), "start", "--http.port=" + http, "--data.dir=" + dir.resolve("data"), "--im.tcp.port=0",
        "--mqtt.port=0", "--live.rtmp.port=0", "--rtc.turn.udp.port=0", "--rtc.turn.tcp.port=0")
        .directory(dir.toFile()).redirectError(dir.resolve("server-" + n + ".err").toFile())
        .redirectOutput(dir.resolve("server-" + n + ".log").toFile()).start();
    processes.add(p);
    HttpTestClient api = new HttpTestClient(base());
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> !p.isAlive() || api.get("/healthz", null).status() == 200);
    assertThat(p.isAlive()).as("the server exited: %s", Files.readString(dir.resolve("server-" + n + ".err"))).isTrue();
    return p;
  }

  private String base() {
    return "http://127.0.0.1:" + http;
  }

  private String token(String user) {
    return new HttpTestClient(base()).post("/api/v1/dev/login", null, "{\"userId\":\"" + user + "\"}").json()
        .get("token").asText();
  }

  private Path file(int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path f = dir.resolve("upload-" + seed + ".bin");
    Files.write(f, b);
    return f;
  }

  /** Runs a client to its end; its output. */
  private String run(Path workDir, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().put("NODE_PATH", NPM.resolve("node_modules").toString());
    Process p = pb.start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private String tusJs(int port, String token, Path file, int chunk, String sha256) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", ROOT.resolve("parley-it/src/test/resources/files/tus-js-upload.js")
        .toString(), "http://127.0.0.1:" + port + "/api/v1/files/uploads", token, file.toString(),
        String.valueOf(chunk)));
    if (sha256 != null) {
      cmd.add(sha256);
    }
    return run(NPM, cmd.toArray(String[]::new));
  }

  private String tuspy(String token, Path file, int chunk, long stopAt, String url) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, ROOT.resolve("parley-it/src/test/resources/files/tuspy-upload.py")
        .toString(), base() + "/api/v1/files/uploads", token, file.toString(), String.valueOf(chunk),
        String.valueOf(stopAt)));
    cmd.add(url == null ? "-" : url);
    return run(dir, cmd.toArray(String[]::new));
  }

  private byte[] download(String token, String fileId) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base()
        + "/api/v1/files/" + fileId)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The file a complete upload made, as its HEAD names it. */
  private static String completed(String token, String uploadUrl) throws Exception {
    HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uploadUrl))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
        .header("Tus-Resumable", "1.0.0").build(), HttpResponse.BodyHandlers.ofString());
    return head.headers().firstValue("Parley-File-Id").orElseThrow();
  }

  private static String fileId(String out) {
    Matcher m = FILE.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void tusJsClientThroughALinkCutAtRandomOffsetsResumesToAnIdenticalFile() throws Exception {
    Path f = file(3 << 20, 1);
    String alice = token("alice");
    try (CuttingProxy link = new CuttingProxy(http, 42, 64 << 10, 512 << 10)) {
      String out = tusJs(link.port(), alice, f, 8 << 20, null);
      assertThat(link.cuts.get()).as(out).isGreaterThanOrEqualTo(3);
      assertThat(download(alice, fileId(out))).isEqualTo(Files.readAllBytes(f));
      System.out.printf("tus-js-client: 3 MiB through %d cuts%n", link.cuts.get());
    }
  }

  @Test
  void knownContentUploadsAgainWithoutItsBytes_withEitherClient() throws Exception {
    Path f = file(1 << 20, 2);
    String alice = token("alice");
    String first = fileId(tusJs(http, alice, f, 8 << 20, null));
    String bob = token("bob");
    try (CuttingProxy link = new CuttingProxy(http, 7, Integer.MAX_VALUE - 1, Integer.MAX_VALUE)) {
      String out = tusJs(link.port(), bob, f, 8 << 20, sha256(f));
      String second = fileId(out);
      assertThat(second).isNotEqualTo(first);
      assertThat(link.upBytes.get()).as("bytes sent for an instant upload").isLessThan(4096);
      assertThat(download(bob, second)).isEqualTo(Files.readAllBytes(f));
    }
    try (CuttingProxy link = new CuttingProxy(http, 8, Integer.MAX_VALUE - 1, Integer.MAX_VALUE)) {
      // tuspy asks for the offset after creating the upload: it finds it complete and sends nothing.
      String carol = token("carol");
      String out = run(dir, PYTHON, ROOT.resolve("parley-it/src/test/resources/files/tuspy-upload.py").toString(),
          "http://127.0.0.1:" + link.port() + "/api/v1/files/uploads", carol, f.toString(), "65536",
          String.valueOf(1 << 20), "-", sha256(f));
      assertThat(out).contains("OFFSET " + (1 << 20));
      assertThat(link.upBytes.get()).as(out).isLessThan(4096);
      Matcher url = Pattern.compile("URL (\\S+)").matcher(out);
      assertThat(url.find()).isTrue();
      assertThat(download(carol, completed(carol, url.group(1)))).isEqualTo(Files.readAllBytes(f));
    }
    try (Stream<Path> s = Files.walk(dir.resolve("data/files/content"))) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(1);
    }
  }

  @Test
  void tuspyWithChecksumsResumesAfterTheServerWasKilledMidUpload() throws Exception {
    Path f = file(2 << 20, 3);
    String alice = token("alice");
    String out = tuspy(alice, f, 256 << 10, 1 << 20, null);
    assertThat(out).contains("OFFSET " + (1 << 20));
    Matcher url = Pattern.compile("URL (\\S+)").matcher(out);
    assertThat(url.find()).isTrue();

    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
    server = startServer();
    String again = tuspy(alice, f, 256 << 10, 2 << 20, url.group(1));
    assertThat(again).contains("OFFSET " + (2 << 20));
    assertThat(download(alice, completed(alice, url.group(1)))).isEqualTo(Files.readAllBytes(f));
  }
}
