package dev.parley.client.net;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Opens {@link WebSocketLink}s, one JDK {@link HttpClient} per TLS context shared by every client
 * of a runtime. The only class outside {@link WebSocketLink} that touches {@code java.net.http}.
 */
public final class WebSocketLinks {
  private static final Object PLAIN = new Object();

  private WebSocketLinks() {}

  /** Opens a link; {@code clients} caches HTTP clients by TLS context. */
  public static Link open(IoLoop loop, Map<Object, Object> clients, URI uri, SSLContext ssl, Duration connectTimeout,
      int maxFrameBytes, long maxPendingBytes, Link.LinkListener listener) {
    HttpClient http = (HttpClient) clients.computeIfAbsent(ssl == null ? PLAIN : ssl, k -> {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
      if (ssl != null) {
        b.sslContext(ssl);
      }
      return b.build();
    });
    return WebSocketLink.open(loop, http, uri, connectTimeout, maxFrameBytes, maxPendingBytes, listener);
  }
}
