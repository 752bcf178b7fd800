package dev.parley.core.kernel;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.store.sqlite.Synchronous;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The kernel's own configuration keys. Modules declare theirs in their own classes. */
public final class CoreKeys {
  private CoreKeys() {}

  public static final ConfigKey<Path> DATA_DIR = ConfigKey.path("data.dir", "./data",
      "Directory of the SQLite database, generated secrets, recordings and HLS segments.");
  public static final ConfigKey<String> NODE_ID = ConfigKey.string("cluster.node-id", null,
      "This node's id in a cluster and in /api/v1/cluster; by default generated on first start and kept in "
          + "data.dir/node.id.");
  public static final ConfigKey<String> LOG_LEVEL = ConfigKey.string("log.level", "info",
      "Level of the server's own loggers: error, warn, info, debug or trace.");

  public static final ConfigKey<Integer> IO_THREADS = ConfigKey.integer("server.io-threads", 0, 0, 1024,
      "Event loop threads shared by every listener; 0 means one per CPU core.");
  public static final ConfigKey<Boolean> NATIVE_TRANSPORT = ConfigKey.bool("server.native-transport", true,
      "Use epoll on Linux when available (NIO otherwise).");
  public static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("server.shutdown-grace",
      Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5),
      "How long shutdown waits for clients to be told to reconnect and for queued work to finish.");
  public static final ConfigKey<Long> WRITE_BUFFER_HIGH = ConfigKey.size("server.write-buffer-high", 64 * 1024, 1024,
      64L << 20, "Bytes queued for one connection above which it counts as not writable (slow-consumer checks).");
  public static final ConfigKey<Long> WRITE_BUFFER_LOW = ConfigKey.size("server.write-buffer-low", 32 * 1024, 512,
      64L << 20, "Bytes queued below which a not-writable connection becomes writable again.");

  public static final ListenerKeys HTTP = new ListenerKeys("http", "HTTP", 8080, 1000);
  public static final ConfigKey<Long> HTTP_MAX_REQUEST = ConfigKey.size("http.max-request-size", 1 << 20, 1024,
      64L << 20, "Largest accepted HTTP request body; bounds memory per request.");
  public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT = ConfigKey.duration("http.idle-timeout",
      Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1),
      "Plain HTTP connections with no traffic for this long are closed (WebSocket endpoints have their own).");

  public static final ConfigKey<List<String>> HTTP_ALLOWED_ORIGINS = ConfigKey.list("http.allowed-origins", List.of(),
      "Origins (https://app.example.com, http://localhost:3000) whose browser pages may use this server: CORS "
          + "answers name them, and they may open /im and /mqtt, use the dev login and the admin API. The server's "
          + "own pages are always allowed when it is reached by IP address or localhost; reached by a name, list "
          + "that origin (a page under any other name may have pointed it at this machine). No '*': pages of "
          + "other origins get no CORS header, and their WebSockets, dev logins and non-GET requests are refused "
          + "(403). Clients that are not browsers send no Origin and are not affected.");
  public static final ConfigKey<Boolean> HTTP_ALLOW_LOCAL_ORIGINS = ConfigKey.bool("http.allow-local-origins", true,
      "Also allow pages served from the browser's own machine (http://localhost:<any port>, 127.0.0.1, [::1]), "
          + "as if listed in http.allowed-origins: a page under those names comes from a program on that machine, "
          + "never from another site. Pages opened as files (Origin: null) are never allowed.");

  public static final ConfigKey<Path> TLS_CERT = ConfigKey.path("tls.cert-file", null,
      "PEM certificate chain for every listener with tls enabled.");
  public static final ConfigKey<Path> TLS_KEY = ConfigKey.path("tls.key-file", null,
      "PEM private key (PKCS#8) of tls.cert-file.");
  public static final ConfigKey<String> TLS_KEY_PASSWORD = ConfigKey.secret("tls.key-password",
      "Password of tls.key-file, if it is encrypted.");

  public static final ConfigKey<String> ADMIN_SECRET = ConfigKey.secret("admin.secret",
      "Bearer secret of the admin API. Unset: generated on first start into <data.dir>/admin.secret.");
  public static final ConfigKey<Boolean> DEV_LOGIN = ConfigKey.bool("admin.dev-login.enabled", true,
      "POST /api/v1/dev/login mints a token for any user id without a secret. Switch off in production. Pages of "
          + "other origins (see http.allowed-origins) are refused, and a browser must send the body as "
          + "application/json.");
  public static final ConfigKey<Boolean> DEV_LOGIN_LOOPBACK_ONLY = ConfigKey.bool("admin.dev-login.loopback-only",
      true, "Dev login answers clients on this machine only.");
  public static final ConfigKey<Integer> DEV_LOGIN_PER_MINUTE = ConfigKey.integer("admin.dev-login.max-per-minute", 60,
      0, 1_000_000, "Dev logins one client address may make in a minute (a burst of this many, refilled over the "
          + "minute); more are answered 429. 0: no limit.");

  public static final ConfigKey<String> JWT_SECRET = ConfigKey.secret("auth.jwt.secret",
      "HS256 secret (32+ bytes) that signs and verifies tokens. Unset: generated into <data.dir>/jwt.secret.");
  public static final ConfigKey<List<String>> JWT_PUBLIC_KEYS = ConfigKey.list("auth.jwt.public-keys", List.of(),
      "PEM public key files (RSA, Ed25519, EC) accepted for tokens your backend signs; kid = file name without extension.");
  public static final ConfigKey<String> JWT_ISSUER = ConfigKey.string("auth.jwt.issuer", null,
      "When set, tokens must carry this iss, and minted tokens carry it.");
  public static final ConfigKey<Duration> JWT_CLOCK_SKEW = ConfigKey.duration("auth.jwt.clock-skew",
      Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10), "Tolerance when checking exp and nbf.");
  public static final ConfigKey<Duration> TOKEN_DEFAULT_TTL = ConfigKey.duration("auth.token.default-ttl",
      Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofDays(365), "Lifetime of dev-login tokens and of minted "
          + "tokens that give no ttlSeconds.");
  public static final ConfigKey<Duration> TOKEN_MAX_TTL = ConfigKey.duration("auth.token.max-ttl",
      Duration.ofDays(30), Duration.ofSeconds(1), Duration.ofDays(3650), "Longest lifetime the admin API mints.");

  public static final ConfigKey<Synchronous> STORE_SYNCHRONOUS = ConfigKey.choice("store.sqlite.synchronous",
      Synchronous.class, Synchronous.FULL, "full: a commit is on disk before anyone is told it is stored; "
          + "normal: survives a process crash, not power loss; off: benchmarks only.");
  public static final ConfigKey<Integer> STORE_MAX_BATCH = ConfigKey.integer("store.commit.max-batch", 4096, 1,
      1_000_000, "Most write operations in one group commit.");
  public static final ConfigKey<Integer> STORE_QUEUE = ConfigKey.integer("store.commit.queue-capacity", 100_000,
      100, 10_000_000, "Write operations that may wait for the writer; beyond it writes are refused (overload).");
  public static final ConfigKey<Integer> STORE_READERS = ConfigKey.integer("store.readers", 4, 1, 64,
      "Reader threads (each with its own SQLite connection) for sync, history and lists.");
  public static final ConfigKey<String> STORE_POSTGRES_URL = ConfigKey.string("store.postgres.url", null,
      "JDBC URL of a PostgreSQL database (jdbc:postgresql://host:5432/parley). Set: the server stores everything "
          + "there instead of the SQLite file in data.dir.");
  public static final ConfigKey<String> STORE_POSTGRES_USER = ConfigKey.string("store.postgres.user", null,
      "PostgreSQL user (unset: the driver's default, or the user in the URL).");
  public static final ConfigKey<String> STORE_POSTGRES_PASSWORD = ConfigKey.secret("store.postgres.password",
      "PostgreSQL password (unset: none, or the one in the URL).");
  public static final ConfigKey<Integer> STORE_POSTGRES_POOL = ConfigKey.integer("store.postgres.pool-size", 8, 1,
      256, "Reader connections to PostgreSQL (one reader thread each); the writer has one more of its own.");
  public static final ConfigKey<Integer> BLOCKING_THREADS = ConfigKey.integer("server.blocking-threads", 8, 1, 256,
      "Threads for blocking work other than storage (HTTP callbacks, file writes).");

  /** The file in {@code data.dir} that holds a secret generated because {@code key} is unset, or null. */
  public static String generatedSecretFile(ConfigKey<?> key) {
    if (key == ADMIN_SECRET) {
      return "admin.secret";
    }
    return key == JWT_SECRET ? "jwt.secret" : null;
  }

  /** Every core key. */
  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(List.of(DATA_DIR, NODE_ID, LOG_LEVEL, IO_THREADS, NATIVE_TRANSPORT,
        SHUTDOWN_GRACE, WRITE_BUFFER_HIGH, WRITE_BUFFER_LOW, BLOCKING_THREADS));
    keys.addAll(HTTP.all());
    keys.addAll(List.of(HTTP_MAX_REQUEST, HTTP_IDLE_TIMEOUT, HTTP_ALLOWED_ORIGINS, HTTP_ALLOW_LOCAL_ORIGINS, TLS_CERT,
        TLS_KEY, TLS_KEY_PASSWORD, ADMIN_SECRET, DEV_LOGIN, DEV_LOGIN_LOOPBACK_ONLY, DEV_LOGIN_PER_MINUTE, JWT_SECRET,
        JWT_PUBLIC_KEYS, JWT_ISSUER, JWT_CLOCK_SKEW, TOKEN_DEFAULT_TTL, TOKEN_MAX_TTL, STORE_SYNCHRONOUS, STORE_MAX_BATCH,
        STORE_QUEUE, STORE_READERS, STORE_POSTGRES_URL, STORE_POSTGRES_USER, STORE_POSTGRES_PASSWORD,
        STORE_POSTGRES_POOL));
    return keys;
  }
}
