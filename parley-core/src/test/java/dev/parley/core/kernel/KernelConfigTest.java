package dev.parley.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.config.ConfigException;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.TestTls;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
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
        .set("tls.cert-file", junk.toString()).set("tls.key-file", junk.toString())
        .set("http.tls", "true").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("junk.pem");
  }

  @Test
  void portInUseIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TestKernel.builder(List::of).set("http.port", taken.getLocalPort()).start())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("http listener cannot bind 127.0.0.1:" + taken.getLocalPort());
    }
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
