package dev.parley.live.control;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request to publish or play, as the access checks and the HTTP callbacks see it.
 *
 * @param action publish or play
 * @param protocol "rtmp", "flv" or "hls"
 * @param app the application name
 * @param stream the stream name (without its query)
 * @param params the query parameters given with the stream name (key, token, ...)
 * @param remote the client's address
 * @param tcUrl the RTMP tcUrl, or the HTTP URL
 */
public record AccessRequest(Action action, String protocol, String app, String stream, Map<String, String> params,
    InetSocketAddress remote, String tcUrl) {

  /** Publish or play. */
  public enum Action {
    PUBLISH, PLAY
  }

  public String key() {
    return app + "/" + stream;
  }

  public boolean loopback() {
    return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }

  /** Parses {@code a=1&b=2} (no decoding beyond %XX and +). */
  public static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        out.putIfAbsent(k, v);
      }
    }
    return out;
  }
}
