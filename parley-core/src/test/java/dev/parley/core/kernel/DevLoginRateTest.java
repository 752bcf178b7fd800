package dev.parley.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevLoginRateTest {
  @Test
  void oneAddressGetsTheBurstThenOneLoginPerShareOfTheMinute() {
    ManualTime time = new ManualTime();
    try (TestKernel server = TestKernel.builder(List::of).time(time).set("admin.dev-login.max-per-minute", "3").start()) {
      HttpTestClient http = new HttpTestClient(server.httpBase());
      for (int i = 0; i < 3; i++) {
        assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"u" + i + "\"}").status()).isEqualTo(200);
      }
      HttpTestClient.Response refused = http.post("/api/v1/dev/login", null, "{\"userId\":\"u3\"}");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().get("code").asText()).isEqualTo("RATE_LIMITED");
      // Three a minute: the next one is 20 s away.
      assertThat(refused.raw().headers().firstValue("retry-after")).contains("20");

      time.advance(Duration.ofSeconds(19));
      assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"u3\"}").status()).isEqualTo(429);
      time.advance(Duration.ofSeconds(1));
      assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"u3\"}").status()).isEqualTo(200);
      assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"u4\"}").status()).isEqualTo(429);

      // A full minute refills the whole burst, and no more than it.
      time.advance(Duration.ofMinutes(5));
      for (int i = 0; i < 3; i++) {
        assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"v" + i + "\"}").status()).isEqualTo(200);
      }
      assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"v3\"}").status()).isEqualTo(429);
    }
  }

  @Test
  void zeroMeansNoLimit() {
    try (TestKernel server = TestKernel.builder(List::of).time(new ManualTime())
        .set("admin.dev-login.max-per-minute", "0").start()) {
      HttpTestClient http = new HttpTestClient(server.httpBase());
      for (int i = 0; i < 100; i++) {
        assertThat(http.post("/api/v1/dev/login", null, "{\"userId\":\"u" + i + "\"}").status()).isEqualTo(200);
      }
    }
  }
}
