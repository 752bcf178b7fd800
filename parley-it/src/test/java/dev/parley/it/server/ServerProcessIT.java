package dev.parley.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Sync;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar and the launcher as a user runs them. */
class ServerProcessIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("parley-server/target/parley.jar");

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Starts the jar on {@code http} and {@code tcp}; every other listener on a free port, so no run clashes with another. */
  private Process start(int http, int tcp, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString(), "start",
        "--http.port=" + http, "--im.tcp.port=" + tcp, "--data.dir=" + dir.resolve("data"),
        "--mqtt.port=0", "--live.rtmp.port=0", "--rtc.turn.udp.port=0", "--rtc.turn.tcp.port=0"));
    cmd.addAll(List.of(extra));
    int n = processes.size();
    // stdout and stderr apart: the server's logs belong on stdout.
    Process p = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectError(dir.resolve("server-" + n + ".err").toFile())
        .redirectOutput(dir.resolve("server-" + n + ".log").toFile()).start();
    processes.add(p);
    HttpTestClient http0 = new HttpTestClient("http://127.0.0.1:" + http);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> !p.isAlive() || http0.get("/healthz", null).status() == 200);
    assertThat(p.isAlive()).as("the server exited: %s", Files.readString(dir.resolve("server-" + n + ".err"))).isTrue();
    return p;
  }

  @Test
  void sigtermTellsClientsToReconnectFlushesAndExitsZero() throws Exception {
    int http = freePort();
    int tcp = freePort();
    Process server = start(http, tcp);
    HttpTestClient api = new HttpTestClient("http://127.0.0.1:" + http);
    String alice = api.post("/api/v1/dev/login", null, "{\"userId\":\"alice\"}").json().get("token").asText();
    String bob = api.post("/api/v1/dev/login", null, "{\"userId\":\"bob\"}").json().get("token").asText();
    ImTestClient a = ImTestClient.connect(Transport.TCP, tcp, http);
    assertThat(a.login(alice, "phone").hasLoginOk()).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(a.sendText("bob", "durable-" + i).hasSendAck()).isTrue();
    }
    server.destroy(); // SIGTERM
    assertThat(a.nextEvent(Duration.ofSeconds(10)).hasGoAway()).isTrue();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("server-0.log"))).contains("Parley ready").contains("Parley stopped");

    start(http, tcp);
    ImTestClient b = ImTestClient.connect(Transport.WS_JSON, tcp, http);
    assertThat(b.login(bob, "laptop").hasLoginOk()).isTrue();
    assertThat(b.call(Frame.newBuilder().setSync(Sync.getDefaultInstance())).getSyncResult().getMessagesCount())
        .isEqualTo(20);
    a.close();
    b.close();
  }

  @Test
  void badConfigurationStopsTheStartWithEveryProblemNamed() throws Exception {
    Process p = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "start", "--http.prot=1", "--im.tcp.port=99999",
        "--data.dir=" + dir.resolve("data")).redirectErrorStream(true).start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("unknown key 'http.prot'").contains("did you mean http.port?")
        .contains("im.tcp.port: 99999 is not a port");
  }

  /** What a finished process printed, apart. */
  record Output(int code, String out, String err) {}

  private Output run(ProcessBuilder pb) throws Exception {
    Path out = dir.resolve("out-" + processes.size());
    Path err = dir.resolve("err-" + processes.size());
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    processes.add(p);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Output(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void theLaunchersTokenCommandPrintsTheTokenAndNothingElseOnStdout() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("parley").toString(), "token", "-u", "alice",
        "--data.dir=" + dir.resolve("data")).directory(dir.toFile());
    // The launcher's own variables are no config keys and must not stop the command.
    pb.environment().put("PARLEY_JAVA_OPTS", "-Xmx256m");
    pb.environment().put("PARLEY_JAR", JAR.toString());
    Output o = run(pb);
    assertThat(o.code()).isZero();
    // What -P "$(./parley token -u alice)" hands mosquitto: one JWT.
    assertThat(o.out()).matches("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\n");
    assertThat(o.err()).contains("generated the token signing secret");
    assertThat(Files.readString(dir.resolve("data/jwt.secret")).trim()).hasSize(43);
  }

  @Test
  void versionIsACommandOfTheLauncher() throws Exception {
    Output o = run(new ProcessBuilder("bash", ROOT.resolve("parley").toString(), "version"));
    assertThat(o.code()).isZero();
    assertThat(o.out()).containsPattern("(?m)^parley \\d+\\.\\d+\\.\\d+").containsPattern("(?m)^commit \\S+$")
        .containsPattern("(?m)^built  \\d{4}-");
  }

  @Test
  void anUnknownParleyVariableStopsTheStartNamingIt() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "start", "--data.dir=" + dir.resolve("data"));
    pb.environment().put("PARLEY_HTTP_PROT", "9999");
    Output o = run(pb);
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("environment: PARLEY_HTTP_PROT is not a config key (did you mean PARLEY_HTTP_PORT?)");
  }

  @Test
  void aPortInUseIsNamedAndExitsThree() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString(), "start",
          "--data.dir=" + dir.resolve("data"), "--mqtt.port=" + taken.getLocalPort(), "--mqtt.host=127.0.0.1"));
      for (String key : List.of("http.port", "im.tcp.port", "live.rtmp.port", "rtc.turn.udp.port", "rtc.turn.tcp.port")) {
        cmd.add("--" + key + "=0");
      }
      Output o = run(new ProcessBuilder(cmd).directory(dir.toFile()));
      assertThat(o.code()).isEqualTo(3);
      assertThat(o.err()).contains("port " + taken.getLocalPort() + " (mqtt) is already in use")
          .doesNotContain("invalid configuration");
    }
  }

  @Test
  void aPageOfAnotherSiteGetsNoTokenFromTheDevLogin() throws Exception {
    int http = freePort();
    start(http, freePort());
    // The report's reproduction, as curl sends it.
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http + "/api/v1/dev/login"))
            .header("Origin", "https://evil.example").header("Content-Type", "text/plain")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"userId\":\"bob\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("token\"");
    assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void configCommandPrintsTheEffectiveConfigurationWithSecretsMasked() throws Exception {
    Files.writeString(dir.resolve("parley.yml"), "im:\n  kick-policy: same-platform\n");
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", JAR.toString(), "config", "--http.port=9191")
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PARLEY_ADMIN_SECRET", "super-secret-value");
    Process p = pb.start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("http.port: 9191    # flag").contains("im.kick-policy: same-platform    # file")
        .contains("admin.secret: ****    # env").doesNotContain("super-secret-value");
  }

  @Test
  void launcherHelpListsTheCommands() throws Exception {
    Process p = new ProcessBuilder("bash", ROOT.resolve("parley").toString(), "--help").redirectErrorStream(true).start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).contains("start").contains("config").contains("token");
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
