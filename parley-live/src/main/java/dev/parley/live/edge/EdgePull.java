package dev.parley.live.edge;

import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Reader;
import dev.parley.live.amf.AmfException;
import dev.parley.live.rtmp.RtmpMessages;
import dev.parley.live.rtmp.Timestamps;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import dev.parley.live.rtmp.handshake.PullHandshakeDecoder;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.Publisher;
import dev.parley.live.stream.StreamHub;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream pulled from the node that publishes it (its origin) over RTMP, as a player would
 * (connect, createStream, play with a token of the {@code edge} claim), and published here as an
 * edge stream: the pull is the local stream's {@link Publisher}, so its GOP cache, viewers and
 * sinks (HLS) are the ones a local publisher would feed. The origin's end of the stream
 * (UnpublishNotify or Play.Stop) ends the edge stream at once (the origin waited out its reconnect
 * grace already); a lost connection leaves it to the local reconnect grace. Connection state is on
 * the pull's event loop; {@link #stop} and the {@link Publisher} methods on any thread.
 */
final class EdgePull implements Publisher {
  private static final Logger log = LoggerFactory.getLogger(EdgePull.class);
  /** The chunk size of what we send (commands only). */
  private static final int OUT_CHUNK = 128;
  private static final double TXN_CONNECT = 1;
  private static final double TXN_CREATE_STREAM = 2;

  private final StreamHub hub;
  private final String app;
  private final String name;
  private final String origin;
  private final String host;
  private final int port;
  private final String token;
  private final int maxMessage;
  private final Consumer<EdgePull> onClosed;
  private final SslContext tls;
  private final Timestamps timestamps = new Timestamps();
  private volatile Channel channel;
  private volatile LiveStream stream;
  private volatile long lastMediaNanos;
  /** When the edge stream last had a viewer or was asked for (hub time): the idle sweep stops it long after. */
  volatile long lastWanted;
  /** Set once the pull is over (stopped, ended by the origin, kicked or closed): a new viewer needs a new pull. */
  private volatile boolean over;

  /**
   * @param origin the node publishing the stream, {@code host:port} its RTMP address
   * @param token the play token the origin checks
   * @param onClosed told once when the pull's connection closed, for whatever reason
   * @param tls the TLS to reach the origin's RTMPS listener with; null: plain RTMP
   */
  EdgePull(StreamHub hub, String app, String name, String origin, String host, int port, String token, int maxMessage,
      Consumer<EdgePull> onClosed, SslContext tls) {
    this.hub = hub;
    this.app = app;
    this.name = name;
    this.origin = origin;
    this.host = host;
    this.port = port;
    this.token = token;
    this.maxMessage = maxMessage;
    this.onClosed = onClosed;
    this.tls = tls;
    this.lastMediaNanos = hub.time().nanoTime();
    this.lastWanted = lastMediaNanos;
  }

  /** Whether the pull still runs or connects. */
  boolean running() {
    return !over;
  }

  String key() {
    return app + "/" + name;
  }

  String origin() {
    return origin;
  }

  /** The edge stream once the origin started playing, else null. */
  LiveStream stream() {
    return stream;
  }

  /** Connects; gives up when the origin has not started playing within {@code deadline}. */
  void start(EventLoopGroup group, Class<? extends SocketChannel> channelClass, Duration deadline) {
    Bootstrap b = new Bootstrap().group(group).channel(channelClass).option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ChunkDecoder decoder = new ChunkDecoder(maxMessage, maxMessage);
            Handler handler = new Handler(decoder);
            if (tls != null) {
              // Checks the origin's certificate names the host of its advertised address.
              ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
            }
            int now = (int) hub.time().now().getEpochSecond();
            ch.pipeline().addLast("handshake", PullHandshakeDecoder.simple(now, (ctx, s1, s2) -> {
              ctx.pipeline().addAfter("handshake", "chunks", decoder);
              handler.connect(ctx);
            }));
            ch.pipeline().addLast("pull", handler);
          }
        });
    Channel ch = b.connect(host, port).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        log.info("edge pull of {} from {} ({}:{}) failed: {}", key(), origin, host, port, f.cause().toString());
      }
    }).channel();
    channel = ch;
    ch.closeFuture().addListener(f -> closed());
    hub.time().schedule(ch.eventLoop(), () -> {
      if (stream == null && ch.isActive()) {
        log.info("edge pull of {} from {}: no Play.Start within {} ms", key(), origin, deadline.toMillis());
        ch.close();
      }
    }, deadline);
  }

  /** Stops pulling and ends the edge stream at once (no viewers left, or the server stops). Any thread. */
  void stop(String reason) {
    over = true;
    LiveStream s = stream;
    if (s != null) {
      log.info("edge pull of {} from {} stopped: {}", key(), origin, reason);
      stream = null;
      s.unpublish(this, true);
    }
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  private void closed() {
    over = true;
    LiveStream s = stream;
    if (s != null) {
      // The origin went away without ending the stream: the local grace waits for it (or another node).
      log.info("edge pull of {} from {}: connection lost", key(), origin);
      stream = null;
      s.unpublish(this);
    }
    onClosed.accept(this);
  }

  /** The origin played the stream: publish it here. */
  private void playing(Channel ch) {
    if (stream != null) {
      return;
    }
    StreamHub.PublishResult r = hub.publish(app, name, this);
    if (!r.ok()) {
      log.info("edge pull of {} from {}: not published here: {}", key(), origin, r.refusal());
      ch.close();
      return;
    }
    stream = r.stream();
    log.info("edge pull of {} from {} ({}:{}) started", key(), origin, host, port);
  }

  /** The origin ended the stream: so does the edge, at once. */
  private void ended(Channel ch) {
    over = true;
    LiveStream s = stream;
    stream = null;
    if (s != null) {
      log.info("edge pull of {} from {}: the origin ended the stream", key(), origin);
      s.unpublish(this, true);
    }
    ch.close();
  }

  @Override
  public String remoteAddress() {
    return host + ":" + port;
  }

  @Override
  public long lastMediaNanos() {
    return lastMediaNanos;
  }

  @Override
  public void kick(String reason) {
    over = true;
    // The stream already has its new publisher: only the connection is left to close.
    stream = null;
    log.info("edge pull of {} from {} ended: {}", key(), origin, reason);
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public boolean edge() {
    return true;
  }

  /** The player side of the connection, on its event loop. */
  private final class Handler extends SimpleChannelInboundHandler<RtmpMessage> {
    private final ChunkDecoder decoder;
    private long window = 2_500_000;
    private long acked;
    private int streamId;

    Handler(ChunkDecoder decoder) {
      this.decoder = decoder;
    }

    void connect(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, OUT_CHUNK, "connect", TXN_CONNECT,
          Amf.object("app", app, "type", "nonprivate", "flashVer", "LNX 9,0,124,2", "tcUrl",
              "rtmp://" + host + ":" + port + "/" + app, "objectEncoding", 0.0)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws AmfException {
      if (decoder.bytesReceived() - acked >= window) {
        acked = decoder.bytesReceived();
        ctx.writeAndFlush(RtmpMessages.control(ctx.alloc(), MessageType.ACK, (int) acked, OUT_CHUNK));
      }
      switch (m.type()) {
        case MessageType.AUDIO, MessageType.VIDEO -> media(m);
        case MessageType.DATA_AMF0 -> {
          if (!isSampleAccess(m.payload())) {
            media(m);
          }
        }
        case MessageType.WINDOW_ACK_SIZE -> window = Unpooled.wrappedBuffer(m.payload()).readUnsignedInt();
        case MessageType.USER_CONTROL -> ping(ctx, m.payload());
        case MessageType.COMMAND_AMF0 -> command(ctx, new Amf0Reader(Unpooled.wrappedBuffer(m.payload())).readAll());
        default -> {
          // acknowledgements, bandwidth, chunk size (the decoder applied it)
        }
      }
    }

    private void media(RtmpMessage m) {
      LiveStream s = stream;
      if (s == null || m.payload().length == 0) {
        return;
      }
      lastMediaNanos = hub.time().nanoTime();
      s.onFrame(EdgePull.this, m.type(), timestamps.extend(Timestamps.track(m.type()), m.timestamp()), m.payload());
    }

    private void ping(ChannelHandlerContext ctx, byte[] p) {
      if (p.length >= 6 && p[1] == MessageType.UC_PING_REQUEST) {
        int v = ((p[2] & 0xFF) << 24) | ((p[3] & 0xFF) << 16) | ((p[4] & 0xFF) << 8) | (p[5] & 0xFF);
        ctx.writeAndFlush(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_PING_RESPONSE, v, OUT_CHUNK));
      }
    }

    private void command(ChannelHandlerContext ctx, List<Object> v) {
      String cmd = v.isEmpty() ? "" : String.valueOf(v.get(0));
      double txn = v.size() > 1 && v.get(1) instanceof Number n ? n.doubleValue() : 0;
      if (cmd.equals("_result") && txn == TXN_CONNECT) {
        ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, OUT_CHUNK, "createStream", TXN_CREATE_STREAM,
            (Object) null));
      } else if (cmd.equals("_result") && txn == TXN_CREATE_STREAM) {
        streamId = v.size() > 3 && v.get(3) instanceof Number n ? n.intValue() : 1;
        ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), streamId, OUT_CHUNK, "play", 0, null,
            name + "?token=" + token, -1000.0, -1.0));
      } else if (cmd.equals("_error")) {
        log.info("edge pull of {} from {} refused: {}", key(), origin, v);
        ctx.close();
      } else if (cmd.equals("onStatus") && v.size() > 3 && v.get(3) instanceof Map<?, ?> info) {
        status(ctx, String.valueOf(info.get("code")), info);
      }
    }

    private void status(ChannelHandlerContext ctx, String code, Map<?, ?> info) {
      if ("error".equals(info.get("level"))) {
        log.info("edge pull of {} from {} refused: {} {}", key(), origin, code, info.get("description"));
        ctx.close();
      } else if (code.equals("NetStream.Play.Start") || code.equals("NetStream.Play.PublishNotify")) {
        playing(ctx.channel());
      } else if (code.equals("NetStream.Play.UnpublishNotify") || code.equals("NetStream.Play.Stop")) {
        ended(ctx.channel());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.info("edge pull of {} from {} closed: {}", key(), origin, cause.toString());
      ctx.close();
    }
  }

  /** Whether a data message is {@code |RtmpSampleAccess}, which a server sends its players, not stream data. */
  private static boolean isSampleAccess(byte[] p) {
    byte[] want = "|RtmpSampleAccess".getBytes(StandardCharsets.US_ASCII);
    if (p.length < 3 + want.length || p[0] != 2) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (p[3 + i] != want[i]) {
        return false;
      }
    }
    return true;
  }
}
