package dev.parley.core.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes of the HTTP listener. Patterns are paths whose segments are literals, {@code {name}}
 * parameters, or a parameter with a literal suffix ({@code {stream}.flv}); a final {@code **}
 * matches the rest of the path (as parameter {@code **}). The most specific matching route wins:
 * more literal segments first, then the earlier registration. A {@linkplain #streamed streamed}
 * route takes its request's body as it arrives instead of whole; it is matched first, by the
 * same rules, and only for its own method.
 */
public final class HttpRouter {
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private final List<Route> streamedRoutes = new CopyOnWriteArrayList<>();
  private final Map<String, WebSocketEndpoint> webSockets = new ConcurrentHashMap<>();

  /** Registers a handler for {@code method} (null for any method) and {@code pattern}. */
  public HttpRouter route(HttpMethod method, String pattern, HttpHandler handler) {
    return add(routes, new Route(method, pattern, Segment.parse(pattern), handler, routes.size()));
  }

  /**
   * Registers {@code handler} for {@code method} and {@code pattern} with a body that streams to
   * it (uploads), not gathered whole within {@code http.max-request-size}.
   */
  public HttpRouter streamed(HttpMethod method, String pattern, BodyHandler handler) {
    return add(streamedRoutes, new Route(method, pattern, Segment.parse(pattern), handler, streamedRoutes.size()));
  }

  private HttpRouter add(List<Route> to, Route route) {
    synchronized (to) {
      List<Route> sorted = new ArrayList<>(to);
      sorted.add(route);
      Collections.sort(sorted);
      to.clear();
      to.addAll(sorted);
    }
    return this;
  }

  public HttpRouter get(String pattern, HttpHandler handler) {
    return route(HttpMethod.GET, pattern, handler);
  }

  public HttpRouter post(String pattern, HttpHandler handler) {
    return route(HttpMethod.POST, pattern, handler);
  }

  public HttpRouter delete(String pattern, HttpHandler handler) {
    return route(HttpMethod.DELETE, pattern, handler);
  }

  /** Registers a WebSocket endpoint at an exact path ("/im", "/mqtt"). */
  public HttpRouter webSocket(String path, WebSocketEndpoint endpoint) {
    if (webSockets.putIfAbsent(path, endpoint) != null) {
      throw new IllegalStateException("WebSocket path registered twice: " + path);
    }
    return this;
  }

  WebSocketEndpoint webSocketAt(String path) {
    return webSockets.get(path);
  }

  /** The match for a request, or null; {@code methodMismatch[0]} is set when only the method differs. */
  Match match(HttpMethod method, String path, boolean[] methodMismatch) {
    String[] parts = split(path);
    for (Route r : routes) {
      Map<String, String> params = r.match(parts);
      if (params == null) {
        continue;
      }
      if (r.method != null && !r.method.equals(method)
          && !(HttpMethod.HEAD.equals(method) && HttpMethod.GET.equals(r.method))) {
        methodMismatch[0] = true;
        continue;
      }
      return new Match((HttpHandler) r.handler, params);
    }
    return null;
  }

  /**
   * Whether a route registered for OPTIONS itself takes {@code path} (tus discovery); other
   * OPTIONS requests, and every CORS preflight, get the preflight answer.
   */
  boolean answersOptions(String path) {
    String[] parts = split(path);
    return routes.stream().anyMatch(r -> HttpMethod.OPTIONS.equals(r.method) && r.match(parts) != null);
  }

  /** The streamed route for a request's head, or null. */
  StreamedMatch matchStreamed(HttpMethod method, String path) {
    if (streamedRoutes.isEmpty()) {
      return null;
    }
    String[] parts = split(path);
    for (Route r : streamedRoutes) {
      Map<String, String> params = r.method.equals(method) ? r.match(parts) : null;
      if (params != null) {
        return new StreamedMatch((BodyHandler) r.handler, params);
      }
    }
    return null;
  }

  static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty()) {
      return new String[0];
    }
    return p.split("/", -1);
  }

  record Match(HttpHandler handler, Map<String, String> params) {}

  record StreamedMatch(BodyHandler handler, Map<String, String> params) {}

  private record Segment(String literal, String param, String suffix, boolean rest) {
    static List<Segment> parse(String pattern) {
      List<Segment> out = new ArrayList<>();
      String[] parts = split(pattern);
      for (int i = 0; i < parts.length; i++) {
        String s = parts[i];
        if (s.equals("**")) {
          if (i != parts.length - 1) {
            throw new IllegalArgumentException("** must be last: " + pattern);
          }
          out.add(new Segment(null, "**", "", true));
        } else if (s.startsWith("{")) {
          int close = s.indexOf('}');
          if (close < 0) {
            throw new IllegalArgumentException("unclosed parameter in " + pattern);
          }
          out.add(new Segment(null, s.substring(1, close), s.substring(close + 1), false));
        } else {
          out.add(new Segment(s, null, null, false));
        }
      }
      return out;
    }
  }

  private static final class Route implements Comparable<Route> {
    final HttpMethod method;
    final String pattern;
    final List<Segment> segments;
    /** An {@link HttpHandler}, or a {@link BodyHandler} for a streamed route. */
    final Object handler;
    final int order;
    final int literals;

    Route(HttpMethod method, String pattern, List<Segment> segments, Object handler, int order) {
      this.method = method;
      this.pattern = pattern;
      this.segments = segments;
      this.handler = handler;
      this.order = order;
      int n = 0;
      for (Segment s : segments) {
        n += s.literal != null ? 4 : s.rest ? 0 : s.suffix.isEmpty() ? 1 : 2;
      }
      this.literals = n;
    }

    Map<String, String> match(String[] parts) {
      Map<String, String> params = new HashMap<>();
      int i = 0;
      for (Segment s : segments) {
        if (s.rest) {
          params.put("**", String.join("/", Arrays.copyOfRange(parts, i, parts.length)));
          return params;
        }
        if (i >= parts.length) {
          return null;
        }
        String part = parts[i++];
        if (s.literal != null) {
          if (!s.literal.equals(part)) {
            return null;
          }
        } else {
          if (!part.endsWith(s.suffix) || part.length() == s.suffix.length()) {
            return null;
          }
          params.put(s.param, part.substring(0, part.length() - s.suffix.length()));
        }
      }
      return i == parts.length ? params : null;
    }

    @Override
    public int compareTo(Route o) {
      if (literals != o.literals) {
        return Integer.compare(o.literals, literals);
      }
      boolean rest = !segments.isEmpty() && segments.get(segments.size() - 1).rest;
      boolean oRest = !o.segments.isEmpty() && o.segments.get(o.segments.size() - 1).rest;
      if (rest != oRest) {
        return rest ? 1 : -1;
      }
      return Integer.compare(order, o.order);
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      return method + " " + pattern;
    }
  }
}
