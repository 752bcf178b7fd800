package dev.parley.rtc.ice;

import dev.parley.rtc.auth.RestCredentials;
import dev.parley.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Builds ICE configurations: Parley's own STUN/TURN URLs (or the configured replacements, such as an
 * external coturn) plus extra URLs, with credentials from the shared REST secret.
 */
public final class IceServersService implements IceServers {
  /** Where Parley's own listeners are; a supplier gives -1 for a listener that is off. */
  public record Ports(IntSupplier udp, IntSupplier tcp, IntSupplier tls) {}

  private final RestCredentials credentials;
  private final Duration ttl;
  private final TimeSource time;
  private final String publicHost;
  private final String fallbackHost;
  private final List<String> replacementUrls;
  private final List<String> extraUrls;
  private final Ports ports;

  /**
   * @param publicHost host for the URLs, or null to use the client's request host
   * @param fallbackHost host when neither is known (the advertised relay address)
   * @param replacementUrls URLs used instead of Parley's own when not empty
   * @param extraUrls URLs added to the list
   */
  public IceServersService(RestCredentials credentials, Duration ttl, TimeSource time, String publicHost, String fallbackHost,
      List<String> replacementUrls, List<String> extraUrls, Ports ports) {
    this.credentials = credentials;
    this.ttl = ttl;
    this.time = time;
    this.publicHost = publicHost;
    this.fallbackHost = fallbackHost;
    this.replacementUrls = List.copyOf(replacementUrls);
    this.extraUrls = List.copyOf(extraUrls);
    this.ports = ports;
  }

  @Override
  public IceConfig forUser(String userId, String requestHost) {
    RestCredentials.Credentials c = credentials.mint(userId, ttl, time.now());
    List<String> all = new ArrayList<>(replacementUrls.isEmpty() ? ownUrls(requestHost) : replacementUrls);
    all.addAll(extraUrls);
    List<String> stun = new ArrayList<>();
    List<String> turn = new ArrayList<>();
    for (String u : all) {
      (u.regionMatches(true, 0, "turn", 0, 4) ? turn : stun).add(u);
    }
    List<IceServer> servers = new ArrayList<>();
    if (!stun.isEmpty()) {
      servers.add(new IceServer(List.copyOf(stun), null, null));
    }
    if (!turn.isEmpty()) {
      servers.add(new IceServer(List.copyOf(turn), c.username(), c.password()));
    }
    return new IceConfig(List.copyOf(servers), c.username(), c.password(), ttl.toSeconds(), c.expiresAt());
  }

  private List<String> ownUrls(String requestHost) {
    String host = publicHost != null ? publicHost : requestHost != null && !requestHost.isBlank() ? requestHost : fallbackHost;
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    List<String> out = new ArrayList<>();
    int udp = ports.udp().getAsInt();
    int tcp = ports.tcp().getAsInt();
    int tls = ports.tls().getAsInt();
    if (udp > 0) {
      out.add("stun:" + host + ":" + udp);
      out.add("turn:" + host + ":" + udp + "?transport=udp");
    }
    if (tcp > 0) {
      out.add("turn:" + host + ":" + tcp + "?transport=tcp");
    }
    if (tls > 0) {
      out.add("turns:" + host + ":" + tls + "?transport=tcp");
    }
    return out;
  }

  /** The host part of an HTTP Host header ({@code example.com:8080}, {@code [::1]:8080}), or null. */
  static String hostOf(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return null;
    }
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close > 0 ? h.substring(0, close + 1) : null;
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
