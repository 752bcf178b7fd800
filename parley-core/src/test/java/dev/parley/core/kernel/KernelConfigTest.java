package dev.parley.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.config.ConfigException;
import dev.parley.core.net.ListenerBindException;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.TestTls;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelConfigTest {
  @TempDir
  Path dir;

  @Test
  void unreadableTlsFileStopsTheStartWithItsName() {
    assertThatThrownBy(() -> TestKernel.builder(List::of)
        .set("tls.cert-file", dir.resolve("missing.pem").toString())
        .set("tls.key-file", dir.resolve("missing-key.pem").toString())
        .set("http.tls", "true").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.pem cannot be read");
  }

  @Test
  void tlsFilesThatAreNotPemAreNamed() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    assertThatThrownBy(() -> TestKernel.builder(List::of)
        .set("tls.cert-file", TestTls.certFile().toString()).set("tls.key-file", junk.toString())
        .set("http.tls", "true").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.key-file " + junk + " is not a PEM (PKCS#8) private key");
  }

  @Test
  void portInUseIsAClearErrorThatIsNotAConfigError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TestKernel.builder(List::of).set("http.port", taken.getLocalPort()).start())
          .isInstanceOfSatisfying(ListenerBindException.class, e -> {
            assertThat(e.inUse()).isTrue();
            assertThat(e.port()).isEqualTo(taken.getLocalPort());
          })
          .hasMessageStartingWith("port " + taken.getLocalPort() + " (http) is already in use")
          .hasMessageNotContaining("invalid configuration");
    }
  }

  @Test
  void aBadTlsFileStopsTheStartBeforeAnyModuleStarts() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    AtomicBoolean started = new AtomicBoolean();
    ParleyModule module = new ParleyModule() {
      @Override
      public String name() {
        return "watcher";
      }

      @Override
      public void start(ServerContext ctx) {
        started.set(true);
      }
    };
    // No listener uses TLS here: the files are checked because they are configured.
    assertThatThrownBy(() -> TestKernel.builder(() -> List.of(module))
        .set("tls.cert-file", junk.toString()).set("tls.key-file", TestTls.keyFile().toString()).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.cert-file " + junk + " is not a PEM certificate chain");
    assertThat(started).isFalse();
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsNamed() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            gen.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Path otherKey = Files.writeString(dir.resolve("other-key.pem"), pem);
    assertThatThrownBy(() -> TestKernel.builder(List::of)
        .set("tls.cert-file", TestTls.certFile().toString()).set("tls.key-file", otherKey.toString()).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.key-file " + otherKey + " is not the private key of the certificate");
  }

  @Test
  void tlsOnWithoutFilesIsAConfigError() {
    assertThatThrownBy(() -> TestKernel.builder(List::of).set("http.tls", "true").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls is on but tls.cert-file and tls.key-file are not set");
  }

  @Test
  void theAllowedOriginsMustBeOrigins() {
    assertThatThrownBy(() -> TestKernel.builder(List::of).set("http.allowed-origins", "*").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.allowed-origins: '*' is not accepted");
    assertThatThrownBy(() -> TestKernel.builder(List::of).set("http.allowed-origins", "https://ok.example,app.example")
        .start())
        .hasMessageContaining("'app.example' is not an origin");
  }

  @Test
  void httpServesOverTls() throws Exception {
    try (TestKernel server = TestKernel.builder(List::of)
        .set("tls.cert-file", TestTls.certFile().toString())
        .set("tls.key-file", TestTls.keyFile().toString())
        .set("http.tls", "true").start()) {
      HttpResponse<String> r = HttpClient.newBuilder().sslContext(TestTls.clientContext()).build().send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpPort() + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("ok");
    }
  }

  @Test
  void devLoginCanBeSwitchedOff() {
    try (TestKernel server = TestKernel.builder(List::of).set("admin.dev-login.enabled", "false").start()) {
      HttpTestClient.Response r = new HttpTestClient(server.httpBase())
          .post("/api/v1/dev/login", null, "{\"userId\":\"bob\"}");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("code").asText()).isEqualTo("DEV_LOGIN_DISABLED");
    }
  }

  @Test
  void secretsAreGeneratedIntoTheDataDirectoryOnce() throws Exception {
    try (TestKernel first = startWithout(dir)) {
      first.stop();
    }
    String generated = Files.readString(dir.resolve("admin.secret")).trim();
    assertThat(generated).hasSize(43);
    assertThat(Files.getPosixFilePermissions(dir.resolve("admin.secret")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (TestKernel second = startWithout(dir)) {
      HttpTestClient.Response r = new HttpTestClient(second.httpBase()).post("/api/v1/tokens", generated,
          "{\"userId\":\"alice\"}");
      assertThat(r.status()).isEqualTo(200);
    }
  }

  private static TestKernel startWithout(Path dir) {
    return TestKernel.builder(List::of).dataDir(dir).unset("admin.secret").unset("auth.jwt.secret").start();
  }
}
