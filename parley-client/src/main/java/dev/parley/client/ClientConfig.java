package dev.parley.client;

import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.store.CursorStore;
import dev.parley.protocol.im.Platform;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * Everything a {@link ParleyClient} is told up front. Immutable; made with {@link #builder()}.
 * Only the server and the token are required.
 */
public final class ClientConfig {
  /** How the client reaches the server, from the server URI's scheme. */
  public enum Transport {
    /** {@code tcp://host:7900} (or {@code tls://host:7900} with TLS). */
    TCP,
    /** {@code ws://host:8080/im} (or {@code wss://} with TLS), binary frames. */
    WEBSOCKET
  }

  final URI server;
  final Transport transport;
  final boolean tls;
  final SSLContext sslContext;
  final TokenProvider tokens;
  final String deviceId;
  final Platform platform;
  final String clientVersion;
  final Duration connectTimeout;
  final Duration loginTimeout;
  final HeartbeatPolicy heartbeat;
  final Duration heartbeatTimeout;
  final Backoff backoff;
  final boolean reconnectAtOnce;
  final Duration requestTimeout;
  final Duration resendAfter;
  final Duration sendDeadline;
  final CursorStore cursorStore;
  final Duration cursorSaveDelay;
  final int initialSyncRecent;
  final int maxFrameBytes;
  final long maxPendingBytes;
  final ClientRuntime runtime;

  private ClientConfig(Builder b) {
    this.server = Objects.requireNonNull(b.server, "server");
    String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "tcp" -> {
        transport = Transport.TCP;
        tls = false;
      }
      case "tls", "tcps" -> {
        transport = Transport.TCP;
        tls = true;
      }
      case "ws" -> {
        transport = Transport.WEBSOCKET;
        tls = false;
      }
      case "wss" -> {
        transport = Transport.WEBSOCKET;
        tls = true;
      }
      default -> throw new IllegalArgumentException("server must be tcp://, tls://, ws:// or wss://, not " + server);
    }
    if (server.getHost() == null) {
      throw new IllegalArgumentException("server has no host: " + server);
    }
    if (transport == Transport.TCP && server.getPort() < 0) {
      throw new IllegalArgumentException("a TCP server needs a port: " + server);
    }
    this.tokens = Objects.requireNonNull(b.tokens, "token");
    this.sslContext = b.sslContext;
    this.deviceId = b.deviceId != null ? b.deviceId : "java-" + UUID.randomUUID();
    if (deviceId.isEmpty() || deviceId.length() > 128) {
      throw new IllegalArgumentException("deviceId must be 1-128 characters");
    }
    this.platform = b.platform;
    this.clientVersion = b.clientVersion;
    this.connectTimeout = b.connectTimeout;
    this.loginTimeout = b.loginTimeout;
    this.heartbeat = b.heartbeat;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.backoff = b.backoff;
    this.reconnectAtOnce = b.reconnectAtOnce;
    this.requestTimeout = b.requestTimeout;
    this.resendAfter = b.resendAfter;
    this.sendDeadline = b.sendDeadline;
    this.cursorStore = b.cursorStore;
    this.cursorSaveDelay = b.cursorSaveDelay;
    this.initialSyncRecent = b.initialSyncRecent;
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxPendingBytes = b.maxPendingBytes;
    this.runtime = b.runtime;
  }

  /** A builder with every default set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server URI. */
  public URI server() {
    return server;
  }

  /** TCP or WebSocket, from the URI's scheme. */
  public Transport transport() {
    return transport;
  }

  /** The device id sent at login. */
  public String deviceId() {
    return deviceId;
  }

  /** The heartbeat policy (an adaptive one can be asked what it learned). */
  public HeartbeatPolicy heartbeat() {
    return heartbeat;
  }

  /** Builds a {@link ClientConfig}; every setting but server and token has a default. */
  public static final class Builder {
    private URI server;
    private TokenProvider tokens;
    private SSLContext sslContext;
    private String deviceId;
    private Platform platform = Platform.PLATFORM_OTHER;
    private String clientVersion = "parley-java/0.1";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration loginTimeout = Duration.ofSeconds(10);
    private HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofSeconds(60));
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private Backoff backoff = Backoff.defaults();
    private boolean reconnectAtOnce = true;
    private Duration requestTimeout = Duration.ofSeconds(15);
    private Duration resendAfter = Duration.ofSeconds(10);
    private Duration sendDeadline = Duration.ofMinutes(5);
    private CursorStore cursorStore = CursorStore.inMemory();
    private Duration cursorSaveDelay = Duration.ofSeconds(1);
    private int initialSyncRecent;
    private int maxFrameBytes = 64 << 20;
    private long maxPendingBytes = 16L << 20;
    private ClientRuntime runtime;

    /**
     * The server: {@code tcp://host:7900}, {@code tls://host:7900}, {@code ws://host:8080/im} or
     * {@code wss://host:8443/im}.
     */
    public Builder server(String uri) {
      return server(URI.create(uri));
    }

    /** The server, as a URI (see {@link #server(String)}). */
    public Builder server(URI uri) {
      this.server = uri;
      return this;
    }

    /** A fixed token (a JWT naming the user). */
    public Builder token(String token) {
      this.tokens = TokenProvider.of(Objects.requireNonNull(token, "token"));
      return this;
    }

    /** Where each login gets its token. */
    public Builder tokenProvider(TokenProvider provider) {
      this.tokens = Objects.requireNonNull(provider);
      return this;
    }

    /** TLS trust for {@code tls://} and {@code wss://} (default: the JDK's trust store). */
    public Builder sslContext(SSLContext ctx) {
      this.sslContext = ctx;
      return this;
    }

    /**
     * Stable per app install (the server's kick policy and per-device delivery go by it). Default:
     * a random id per client, which suits tests and one-off tools, not apps.
     */
    public Builder deviceId(String id) {
      this.deviceId = id;
      return this;
    }

    /** The platform told to the server (the same-platform kick policy goes by it). */
    public Builder platform(Platform p) {
      this.platform = Objects.requireNonNull(p);
      return this;
    }

    /** Free text the server logs, such as "myapp-android/3.2". */
    public Builder clientVersion(String v) {
      this.clientVersion = Objects.requireNonNull(v);
      return this;
    }

    /** How long opening the connection (and TLS) may take (default 10 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d);
      return this;
    }

    /** How long the server may take to answer the login (default 10 s). */
    public Builder loginTimeout(Duration d) {
      this.loginTimeout = positive(d);
      return this;
    }

    /** Heartbeat policy (default fixed 60 s, capped by the server's ceiling). */
    public Builder heartbeat(HeartbeatPolicy p) {
      this.heartbeat = Objects.requireNonNull(p);
      return this;
    }

    /** How long a heartbeat may go unanswered before the link counts as dead (default 10 s). */
    public Builder heartbeatTimeout(Duration d) {
      this.heartbeatTimeout = positive(d);
      return this;
    }

    /** Delays between failed reconnect attempts (default 2, 4, … 64 s with jitter). */
    public Builder backoff(Backoff b) {
      this.backoff = Objects.requireNonNull(b);
      return this;
    }

    /** Whether the first attempt after losing a logged-in link is made at once (default true). */
    public Builder reconnectAtOnce(boolean b) {
      this.reconnectAtOnce = b;
      return this;
    }

    /** How long a request (history, groups, ...) may wait for its answer, offline time included (default 15 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d);
      return this;
    }

    /** A message without its SendAck this long is sent again with the same client id (default 10 s). */
    public Builder resendAfter(Duration d) {
      this.resendAfter = positive(d);
      return this;
    }

    /** A message not acknowledged this long after {@code send} fails (default 5 min). */
    public Builder sendDeadline(Duration d) {
      this.sendDeadline = positive(d);
      return this;
    }

    /** Where sync cursors are kept (default: in memory; apps use {@link dev.parley.client.store.FileCursorStore}). */
    public Builder cursorStore(CursorStore s) {
      this.cursorStore = Objects.requireNonNull(s);
      return this;
    }

    /** How long cursor changes are gathered before they are saved (default 1 s). */
    public Builder cursorSaveDelay(Duration d) {
      this.cursorSaveDelay = Objects.requireNonNull(d);
      return this;
    }

    /**
     * When a user has no saved cursors (a new install), how many recent messages of each
     * conversation the first sync fetches (default 0: all of them).
     */
    public Builder initialSyncRecent(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("initialSyncRecent must not be negative");
      }
      this.initialSyncRecent = n;
      return this;
    }

    /** Largest frame accepted from the server (default 64 MiB). */
    public Builder maxFrameBytes(int n) {
      if (n < 1024) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 1 KiB");
      }
      this.maxFrameBytes = n;
      return this;
    }

    /** Bytes that may wait to be written before the link counts as stuck and is closed (default 16 MiB). */
    public Builder maxPendingBytes(long n) {
      if (n < 1024) {
        throw new IllegalArgumentException("maxPendingBytes must be at least 1 KiB");
      }
      this.maxPendingBytes = n;
      return this;
    }

    /** The threads and timer to run on (default: {@link ClientRuntime#shared()}). */
    public Builder runtime(ClientRuntime r) {
      this.runtime = r;
      return this;
    }

    /** Checks the settings and makes the configuration. */
    public ClientConfig build() {
      return new ClientConfig(this);
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive");
      }
      return d;
    }
  }
}
