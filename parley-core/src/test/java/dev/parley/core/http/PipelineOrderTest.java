package dev.parley.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.net.ListenerInitializer;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.net.TlsSupport;
import dev.parley.core.testing.TestTls;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipelines are in the order {@code ChannelHandlerNames} draws. */
class PipelineOrderTest {
  static final ListenerKeys.Settings PLAIN = new ListenerKeys.Settings(true, "127.0.0.1", 0, false, 0);

  final HttpRouter router = new HttpRouter();
  final HttpPipeline http = new HttpPipeline(router, 1 << 20, Duration.ofSeconds(60));

  @Test
  void listenerPutsItsHandlersBetweenLimiterAndTlsAndTheQuietExceptionHandler() {
    SslContext tls = TlsSupport.serverContext(TestTls.certFile(), TestTls.keyFile(), null);
    List<String> before = new ArrayList<>();
    TcpListener listener = new TcpListener("t", new ListenerKeys.Settings(true, "127.0.0.1", 0, true, 10), ch -> {
      before.addAll(names(ch));
      ch.pipeline().addLast("module", new ChannelInboundHandlerAdapter());
    });
    EmbeddedChannel ch = new EmbeddedChannel(new ListenerInitializer(listener, tls));
    try {
      assertThat(before).containsExactly("ip-limit", "tls");
      // The limiter has counted the connection (it opened) and left.
      assertThat(names(ch)).containsExactly("tls", "module", "quiet-exceptions");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void httpListener() {
    EmbeddedChannel ch = new EmbeddedChannel(new ListenerInitializer(new TcpListener("http", PLAIN, http), null));
    try {
      assertThat(names(ch)).containsExactly("http-codec", "http-idle", "http-idle-closer", "http-body-streamer",
          "http-aggregator", "http-chunked", "http-dispatcher", "quiet-exceptions");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void webSocketAfterTheUpgrade() {
    router.webSocket("/ws", new WebSocketEndpoint() {
      @Override
      public int maxMessageBytes() {
        return 1024;
      }

      @Override
      public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
        channel.pipeline().addLast("endpoint", new ChannelInboundHandlerAdapter());
      }
    });
    EmbeddedChannel ch = new EmbeddedChannel(new ListenerInitializer(new TcpListener("http", PLAIN, http), null));
    ch.writeInbound(Unpooled.copiedBuffer("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        StandardCharsets.US_ASCII));
    try {
      assertThat(ch.isOpen()).isTrue();
      assertThat(names(ch)).containsExactly("wsencoder", "wsdecoder", "ws-aggregator", "ws-control", "endpoint",
          "quiet-exceptions");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** The names of the handlers, first to last, without those Netty named itself (its tail, initializers). */
  static List<String> names(Channel ch) {
    List<String> names = new ArrayList<>(ch.pipeline().names());
    names.removeIf(n -> n.contains("#"));
    return names;
  }
}
