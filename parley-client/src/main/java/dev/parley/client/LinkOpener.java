package dev.parley.client;

import dev.parley.client.net.IoLoop;
import dev.parley.client.net.Link;
import dev.parley.client.net.TcpLink;
import dev.parley.client.net.WebSocketLinks;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/** Opens the link the configuration asks for: TCP or WebSocket, with TLS for {@code tls://} and {@code wss://}. */
final class LinkOpener {
  private final ClientConfig cfg;
  private final IoLoop loop;
  private final Executor blocking;
  private final Map<Object, Object> httpClients;

  LinkOpener(ClientConfig cfg, IoLoop loop, Executor blocking, Map<Object, Object> httpClients) {
    this.cfg = cfg;
    this.loop = loop;
    this.blocking = blocking;
    this.httpClients = httpClients;
  }

  /** Starts opening a link that reports to {@code listener} on the loop. Throws when it cannot even start. */
  Link open(Link.LinkListener listener) {
    if (cfg.transport == ClientConfig.Transport.TCP) {
      return TcpLink.open(loop, blocking, cfg.server.getHost(), cfg.server.getPort(), cfg.tls ? sslContext() : null,
          cfg.maxFrameBytes, cfg.maxPendingBytes, listener);
    }
    return WebSocketLinks.open(loop, httpClients, cfg.server, cfg.tls ? sslContext() : null, cfg.connectTimeout,
        cfg.maxFrameBytes, cfg.maxPendingBytes, listener);
  }

  private SSLContext sslContext() {
    if (cfg.sslContext != null) {
      return cfg.sslContext;
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }
}
