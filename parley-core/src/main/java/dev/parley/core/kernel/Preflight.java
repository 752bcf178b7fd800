package dev.parley.core.kernel;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.http.OriginPolicy;
import dev.parley.core.net.TlsSupport;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.postgres.PostgresStorage;
import dev.parley.core.store.sqlite.SqliteStorage;
import dev.parley.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kernel settles before it starts anything: the config's checks, the store it opens, the host name. */
final class Preflight {
  private Preflight() {}

  /** What the checks loaded on the way: the origin policy and, when configured, the TLS context. */
  record Checked(OriginPolicy origins, SslContext tls) {}

  /** PostgreSQL when {@code store.postgres.url} is set, else the SQLite file in {@code data.dir}. */
  static CloseableStorage openStorage(Config config, Path dataDir, MeterRegistry registry, TimeSource time) {
    String url = config.get(CoreKeys.STORE_POSTGRES_URL);
    if (url == null || url.isBlank()) {
      return new SqliteStorage(new SqliteStorage.Settings(dataDir.resolve("parley.db"),
          config.get(CoreKeys.STORE_SYNCHRONOUS), config.get(CoreKeys.STORE_READERS),
          config.get(CoreKeys.STORE_MAX_BATCH), config.get(CoreKeys.STORE_QUEUE)), registry, time.clock());
    }
    try {
      return new PostgresStorage(new PostgresStorage.Settings(url, config.get(CoreKeys.STORE_POSTGRES_USER),
          config.get(CoreKeys.STORE_POSTGRES_PASSWORD), config.get(CoreKeys.STORE_POSTGRES_POOL),
          config.get(CoreKeys.STORE_MAX_BATCH), config.get(CoreKeys.STORE_QUEUE)), registry, time.clock());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException(CoreKeys.STORE_POSTGRES_URL.name() + ": " + e.getMessage());
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Everything that can be checked before anything starts, so a bad config binds nothing. */
  static Checked check(Config config) {
    List<String> problems = new ArrayList<>();
    OriginPolicy origins = null;
    SslContext tls = null;
    if (config.get(CoreKeys.WRITE_BUFFER_LOW) >= config.get(CoreKeys.WRITE_BUFFER_HIGH)) {
      problems.add("server.write-buffer-low must be below server.write-buffer-high");
    }
    if (!List.of("error", "warn", "info", "debug", "trace").contains(config.get(CoreKeys.LOG_LEVEL))) {
      problems.add("log.level: " + config.get(CoreKeys.LOG_LEVEL) + " is not one of error, warn, info, debug, trace");
    }
    if (config.get(CoreKeys.TOKEN_DEFAULT_TTL).compareTo(config.get(CoreKeys.TOKEN_MAX_TTL)) > 0) {
      problems.add("auth.token.default-ttl must not exceed auth.token.max-ttl");
    }
    try {
      origins = OriginPolicy.of(config.get(CoreKeys.HTTP_ALLOWED_ORIGINS), config.get(CoreKeys.HTTP_ALLOW_LOCAL_ORIGINS));
    } catch (IllegalArgumentException e) {
      problems.add("http.allowed-origins: " + e.getMessage());
    }
    Path cert = config.get(CoreKeys.TLS_CERT);
    Path key = config.get(CoreKeys.TLS_KEY);
    if ((cert == null) != (key == null)) {
      problems.add("tls.cert-file and tls.key-file must be set together");
    } else if (cert != null) {
      // Loaded now, not when the first TLS listener binds: modules (and their UDP sockets) start in between.
      try {
        tls = TlsSupport.serverContext(cert, key, config.get(CoreKeys.TLS_KEY_PASSWORD));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    } else if (config.get(CoreKeys.HTTP.tls)) {
      problems.add("http.tls is on but tls.cert-file and tls.key-file are not set");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Checked(origins, tls);
  }
}
