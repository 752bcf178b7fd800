package dev.parley.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which browser pages may talk to this server: its own pages, and the origins listed in
 * {@code http.allowed-origins}. A request without {@code Origin} (and without the browser's
 * {@code Sec-Fetch-Site}) does not come from a browser page: curl, SDKs and backends send none.
 *
 * <p>The server's own origin is the host and port of the request's {@code Host} header,
 * but only when that host is an IP address or {@code localhost}: a page under any other name may
 * have pointed that name at this machine (DNS rebinding) and would then look same-origin while
 * reaching the loopback-only dev conveniences. A server reached by name lists its origin.
 */
public final class OriginPolicy {
  /** How a request's origin is judged. */
  public enum Verdict {
    /** No browser page sent it (no Origin, no Sec-Fetch-Site). */
    NOT_BROWSER,
    /** A page of this server itself (same host and port, reached by address or localhost). */
    OWN,
    /** A page of an origin in {@code http.allowed-origins}. */
    ALLOWED,
    /** A page of any other origin, or a browser that hid its origin ({@code Origin: null}). */
    REFUSED;

    /** Whether the request may act: anything but {@link #REFUSED}. */
    public boolean permitted() {
      return this != REFUSED;
    }
  }

  private static final String SEC_FETCH_SITE = "sec-fetch-site";

  private static final int WARNED_MAX = 64;

  private final Set<String> allowed;
  private final boolean local;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private OriginPolicy(Set<String> allowed, boolean local) {
    this.allowed = allowed;
    this.local = local;
  }

  /** Only the server's own pages. */
  public static OriginPolicy ownOnly() {
    return new OriginPolicy(Set.of(), false);
  }

  /** A policy allowing {@code origins} besides the server's own; see {@link #of(List, boolean)}. */
  public static OriginPolicy of(List<String> origins) {
    return of(origins, false);
  }

  /**
   * A policy allowing {@code origins} besides the server's own; each is {@code scheme://host[:port]}.
   * With {@code local}, pages served from the browser's own machine ({@code http://localhost:3000},
   * {@code http://127.0.0.1:5500}, any port) are allowed too: no other site can serve a page under
   * those names, only a program on that machine.
   *
   * @throws IllegalArgumentException naming the first entry that is not an origin
   */
  public static OriginPolicy of(List<String> origins, boolean local) {
    Set<String> set = new LinkedHashSet<>();
    for (String o : origins) {
      if (o.equals("*")) {
        throw new IllegalArgumentException("'*' is not accepted: list each origin that may use this server");
      }
      String n = normalize(o);
      if (n == null) {
        throw new IllegalArgumentException("'" + o + "' is not an origin like https://app.example.com or "
            + "http://localhost:3000 (scheme, host and port only)");
      }
      set.add(n);
    }
    return new OriginPolicy(Set.copyOf(set), local);
  }

  /** Judges a request from its headers; the dispatcher does it once per request. */
  public Verdict judge(HttpHeaders headers) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      String site = headers.get(SEC_FETCH_SITE);
      if (site == null) {
        return Verdict.NOT_BROWSER;
      }
      // A browser that sent no Origin (a plain navigation or a same-origin GET): it says where from.
      return site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none") ? Verdict.OWN : Verdict.REFUSED;
    }
    String n = normalize(origin);
    if (n == null) {
      return Verdict.REFUSED;
    }
    if (allowed.contains(n) || local && isLocal(n)) {
      return Verdict.ALLOWED;
    }
    return isOwn(n, headers.get(HttpHeaderNames.HOST)) ? Verdict.OWN : Verdict.REFUSED;
  }

  /**
   * Whether a refused origin names the very host the request was sent to: a page of this server
   * reached by a name, which only {@code http.allowed-origins} can vouch for.
   */
  public static boolean namesTheHost(HttpHeaders headers) {
    String n = normalize(headers.get(HttpHeaderNames.ORIGIN));
    String host = headers.get(HttpHeaderNames.HOST);
    return n != null && host != null && hostPortMatches(URI.create(n), host);
  }

  /** True the first time {@code origin} is refused (bounded), so the log names each origin once. */
  boolean firstRefusal(String origin) {
    return warned.size() < WARNED_MAX && warned.add(origin);
  }

  /** Whether a browser sent the request (it carries Origin or Sec-Fetch-Site). */
  public static boolean fromBrowser(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.ORIGIN) || headers.contains(SEC_FETCH_SITE);
  }

  private static boolean isOwn(String origin, String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    URI o = URI.create(origin);
    return unrebindable(o.getHost()) && hostPortMatches(o, hostHeader);
  }

  private static boolean hostPortMatches(URI origin, String hostHeader) {
    URI h;
    try {
      h = new URI("http://" + hostHeader.trim());
    } catch (URISyntaxException e) {
      return false;
    }
    if (h.getHost() == null || h.getRawPath() != null && !h.getRawPath().isEmpty() || h.getUserInfo() != null) {
      return false;
    }
    int originPort = origin.getPort() >= 0 ? origin.getPort() : defaultPort(origin.getScheme());
    // A Host without a port is the default port of whichever scheme the page used.
    int hostPort = h.getPort() >= 0 ? h.getPort() : originPort == 80 || originPort == 443 ? originPort : -1;
    return bare(h.getHost()).equalsIgnoreCase(bare(origin.getHost())) && hostPort == originPort;
  }

  private static boolean isLocal(String origin) {
    String h = bare(URI.create(origin).getHost()).toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1")
        || NetUtil.isValidIpV4Address(h) && h.startsWith("127.");
  }

  private static boolean unrebindable(String host) {
    String h = bare(host).toLowerCase(Locale.ROOT);
    return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h) || h.equals("localhost")
        || h.endsWith(".localhost");
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) ? 443 : 80;
  }

  /** {@code scheme://host:port} in lower case with the default port dropped, or null if not an origin. */
  static String normalize(String origin) {
    if (origin == null) {
      return null;
    }
    URI u;
    try {
      u = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null || u.getUserInfo() != null
        || u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")
        || u.getRawQuery() != null || u.getRawFragment() != null) {
      return null;
    }
    int port = u.getPort();
    String host = u.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + (port < 0 || port == defaultPort(scheme) ? "" : ":" + port);
  }
}
