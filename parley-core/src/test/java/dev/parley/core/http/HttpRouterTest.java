package dev.parley.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class HttpRouterTest {
  private final HttpHandler a = ex -> { };
  private final HttpHandler b = ex -> { };
  private final HttpHandler c = ex -> { };
  private final HttpHandler d = ex -> { };

  @Test
  void literalsBeatSuffixParametersWhichBeatParameters() {
    HttpRouter r = new HttpRouter()
        .get("/static/**", d)
        .get("/{app}/{stream}", c)
        .get("/{app}/{stream}.flv", b)
        .get("/api/v1", a);
    boolean[] mm = new boolean[1];
    assertThat(r.match(HttpMethod.GET, "/live/cam.flv", mm).handler()).isSameAs(b);
    assertThat(r.match(HttpMethod.GET, "/live/cam.flv", mm).params()).containsEntry("app", "live")
        .containsEntry("stream", "cam");
    assertThat(r.match(HttpMethod.GET, "/live/cam", mm).handler()).isSameAs(c);
    assertThat(r.match(HttpMethod.GET, "/static/a/b/c", mm).handler()).isSameAs(d);
    assertThat(r.match(HttpMethod.GET, "/static/a/b/c", mm).params()).containsEntry("**", "a/b/c");
    assertThat(r.match(HttpMethod.GET, "/live/a/b/c", mm)).isNull();
    assertThat(r.match(HttpMethod.GET, "/api/v1", mm).handler()).isSameAs(a);
    assertThat(r.match(HttpMethod.GET, "/x/.flv", mm).handler()).isSameAs(c);
  }

  @Test
  void methodMismatchIsReported() {
    HttpRouter r = new HttpRouter().post("/api/v1/tokens", a);
    boolean[] mm = new boolean[1];
    assertThat(r.match(HttpMethod.GET, "/api/v1/tokens", mm)).isNull();
    assertThat(mm[0]).isTrue();
    assertThat(r.match(HttpMethod.POST, "/api/v1/tokens", new boolean[1]).handler()).isSameAs(a);
  }

  @Test
  void headIsServedByGetRoutes() {
    HttpRouter r = new HttpRouter().get("/healthz", a);
    assertThat(r.match(HttpMethod.HEAD, "/healthz", new boolean[1]).handler()).isSameAs(a);
  }
}
