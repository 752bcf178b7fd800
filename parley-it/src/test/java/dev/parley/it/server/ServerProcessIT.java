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

  private Process start(int http, int tcp, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString(), "start",
        "--http.port=" + http, "--im.tcp.port=" + tcp, "--data.dir=" + dir.resolve("data")));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server-" + processes.size() + ".log").toFile()).start();
    processes.add(p);
    HttpTestClient http0 = new HttpTestClient("http://127.0.0.1:" + http);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http0.get("/healthz", null).status() == 200);
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
    assertThat(Files.readString(dir.resolve("server-0.log"))).contains("Parley stopped");

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
