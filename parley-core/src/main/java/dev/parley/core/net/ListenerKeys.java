package dev.parley.core.net;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import java.util.List;

/**
 * The keys every TCP listener has, under one prefix: {@code enabled}, {@code host}, {@code port},
 * {@code tls} and {@code max-connections-per-ip}.
 */
public final class ListenerKeys {
  public final ConfigKey<Boolean> enabled;
  public final ConfigKey<String> host;
  public final ConfigKey<Integer> port;
  public final ConfigKey<Boolean> tls;
  public final ConfigKey<Integer> maxConnectionsPerIp;

  public ListenerKeys(String prefix, String what, int defaultPort, int defaultMaxPerIp) {
    enabled = ConfigKey.bool(prefix + ".enabled", true, "Whether the " + what + " listener runs.");
    host = ConfigKey.string(prefix + ".host", "0.0.0.0", "Address the " + what + " listener binds.");
    port = ConfigKey.port(prefix + ".port", defaultPort, "Port of the " + what + " listener.");
    tls = ConfigKey.bool(prefix + ".tls", false, "TLS on the " + what + " listener (tls.cert-file, tls.key-file).");
    maxConnectionsPerIp = ConfigKey.integer(prefix + ".max-connections-per-ip", defaultMaxPerIp, 0, 1_000_000,
        "Open connections allowed from one IP address on the " + what + " listener (0: no cap). "
            + "Bounds what one host can hold against everyone else.");
  }

  public List<ConfigKey<?>> all() {
    return List.of(enabled, host, port, tls, maxConnectionsPerIp);
  }

  /** The resolved settings. */
  public Settings settings(Config config) {
    return new Settings(config.get(enabled), config.get(host), config.get(port), config.get(tls),
        config.get(maxConnectionsPerIp));
  }

  /** Resolved listener settings. */
  public record Settings(boolean enabled, String host, int port, boolean tls, int maxConnectionsPerIp) {}
}
