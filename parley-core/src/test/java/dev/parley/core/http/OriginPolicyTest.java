package dev.parley.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.http.OriginPolicy.Verdict;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private final OriginPolicy policy = OriginPolicy.of(List.of("https://App.Example.com", "http://localhost:3000/"));

  private Verdict judge(String host, String origin) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (host != null) {
      h.set("Host", host);
    }
    if (origin != null) {
      h.set("Origin", origin);
    }
    return policy.judge(h);
  }

  @Test
  void requestsWithoutOriginAreNotFromABrowserPage() {
    assertThat(judge("127.0.0.1:8080", null)).isEqualTo(Verdict.NOT_BROWSER);
    assertThat(OriginPolicy.fromBrowser(new DefaultHttpHeaders().set("Host", "x"))).isFalse();
    assertThat(OriginPolicy.fromBrowser(new DefaultHttpHeaders().set("Origin", "http://x"))).isTrue();
  }

  @Test
  void theServersOwnPagesReachedByAddressOrLocalhostAreOwn() {
    assertThat(judge("127.0.0.1:8080", "http://127.0.0.1:8080")).isEqualTo(Verdict.OWN);
    assertThat(judge("localhost:8080", "http://localhost:8080")).isEqualTo(Verdict.OWN);
    assertThat(judge("LOCALHOST:8080", "http://localhost:8080")).isEqualTo(Verdict.OWN);
    assertThat(judge("[::1]:8080", "http://[::1]:8080")).isEqualTo(Verdict.OWN);
    assertThat(judge("192.168.1.5", "https://192.168.1.5")).isEqualTo(Verdict.OWN);
    assertThat(judge("192.168.1.5:443", "https://192.168.1.5")).isEqualTo(Verdict.OWN);
    assertThat(judge("app.localhost:8080", "http://app.localhost:8080")).isEqualTo(Verdict.OWN);
  }

  @Test
  void anotherPortOrHostIsAnotherOrigin() {
    assertThat(judge("localhost:8080", "http://localhost:8081")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("localhost:8080", "http://127.0.0.1:8080")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("localhost", "http://localhost:8080")).isEqualTo(Verdict.REFUSED);
    assertThat(judge(null, "http://localhost:8080")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("localhost:8080", "https://evil.example")).isEqualTo(Verdict.REFUSED);
  }

  @Test
  void aNameThatMatchesTheHostIsNotOwnSinceItMayHaveBeenReboundHere() {
    assertThat(judge("rebound.example:8080", "http://rebound.example:8080")).isEqualTo(Verdict.REFUSED);
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "rebound.example:8080").set("Origin", "http://rebound.example:8080");
    assertThat(OriginPolicy.namesTheHost(h)).isTrue();
    assertThat(OriginPolicy.namesTheHost(h.set("Origin", "http://other.example:8080"))).isFalse();
  }

  @Test
  void listedOriginsAreAllowedWhateverTheHost() {
    assertThat(judge("parley.example.com", "https://app.example.com")).isEqualTo(Verdict.ALLOWED);
    assertThat(judge("parley.example.com", "https://app.example.com:443")).isEqualTo(Verdict.ALLOWED);
    assertThat(judge("127.0.0.1:8080", "http://localhost:3000")).isEqualTo(Verdict.ALLOWED);
    assertThat(judge("127.0.0.1:8080", "http://app.example.com")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("127.0.0.1:8080", "http://localhost:3001")).isEqualTo(Verdict.REFUSED);
  }

  @Test
  void pagesServedFromTheBrowsersOwnMachineAreAllowedWhenLocalOriginsAre() {
    OriginPolicy local = OriginPolicy.of(List.of(), true);
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "parley.example.com");
    for (String o : List.of("http://localhost:5500", "http://127.0.0.1:3000", "http://127.8.9.1", "http://[::1]:8000",
        "https://app.localhost")) {
      assertThat(local.judge(h.set("Origin", o))).as(o).isEqualTo(Verdict.ALLOWED);
      assertThat(policy.judge(h.set("Origin", o))).as(o).isEqualTo(Verdict.REFUSED);
    }
    for (String o : List.of("null", "http://localhost.evil.example", "http://128.0.0.1", "http://192.168.1.2:3000")) {
      assertThat(local.judge(h.set("Origin", o))).as(o).isEqualTo(Verdict.REFUSED);
    }
  }

  @Test
  void hiddenOrGarbledOriginsAreRefused() {
    assertThat(judge("127.0.0.1:8080", "null")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("127.0.0.1:8080", "file://")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("127.0.0.1:8080", "http://127.0.0.1:8080/path")).isEqualTo(Verdict.REFUSED);
    assertThat(judge("127.0.0.1:8080", "::::")).isEqualTo(Verdict.REFUSED);
  }

  @Test
  void secFetchSiteSpeaksForABrowserThatSentNoOrigin() {
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "127.0.0.1:8080");
    assertThat(policy.judge(h.set("Sec-Fetch-Site", "cross-site"))).isEqualTo(Verdict.REFUSED);
    assertThat(policy.judge(h.set("Sec-Fetch-Site", "same-site"))).isEqualTo(Verdict.REFUSED);
    assertThat(policy.judge(h.set("Sec-Fetch-Site", "same-origin"))).isEqualTo(Verdict.OWN);
    assertThat(policy.judge(h.set("Sec-Fetch-Site", "none"))).isEqualTo(Verdict.OWN);
    assertThat(OriginPolicy.fromBrowser(h)).isTrue();
  }

  @Test
  void theAllowListTakesOriginsOnlyAndNoWildcard() {
    assertThatThrownBy(() -> OriginPolicy.of(List.of("*"))).hasMessageContaining("'*' is not accepted");
    assertThatThrownBy(() -> OriginPolicy.of(List.of("https://app.example.com/chat")))
        .hasMessageContaining("'https://app.example.com/chat' is not an origin");
    assertThatThrownBy(() -> OriginPolicy.of(List.of("app.example.com"))).hasMessageContaining("is not an origin");
    assertThat(OriginPolicy.normalize("HTTPS://App.Example.COM:443")).isEqualTo("https://app.example.com");
    assertThat(OriginPolicy.normalize("http://h:8080")).isEqualTo("http://h:8080");
  }

  @Test
  void jsonContentTypesAreRecognised() {
    assertThat(BrowserGuard.isJson("application/json")).isTrue();
    assertThat(BrowserGuard.isJson("Application/JSON; charset=utf-8")).isTrue();
    assertThat(BrowserGuard.isJson("application/merge-patch+json")).isTrue();
    assertThat(BrowserGuard.isJson("text/plain")).isFalse();
    assertThat(BrowserGuard.isJson("application/x-www-form-urlencoded")).isFalse();
    assertThat(BrowserGuard.isJson("multipart/form-data; boundary=x")).isFalse();
    assertThat(BrowserGuard.isJson(null)).isFalse();
  }
}
