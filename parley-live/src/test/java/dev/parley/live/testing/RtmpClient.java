package dev.parley.live.testing;

import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Reader;
import dev.parley.live.amf.AmfException;
import dev.parley.live.rtmp.RtmpMessages;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.chunk.ChunkEncoder;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import dev.parley.live.rtmp.handshake.ClientHandshake;
import dev.parley.live.rtmp.handshake.PullHandshakeDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal RTMP client on Netty: handshake, connect, createStream, then publish (send frames) or
 * play (receive them). It answers pings. Statuses and media reach the {@link Listener}.
 */
public final class RtmpClient implements AutoCloseable {
  /** What a client hears. Called on the client's event loop. */
  public interface Listener {
    /** Audio, video and data messages of the played stream. */
    default void onMedia(RtmpMessage m) {}

    /** Every onStatus code, in order. */
    default void onStatus(String code, Map<String, Object> info) {}

    /** A ping request from the server (already answered), with its value. */
    default void onPing(int value) {}

    default void onClose() {}
  }

  private final Channel channel;
  private final Handler handler;
  private volatile int outChunkSize = 128;
  private volatile int streamId;
  /** Whether the server's handshake answer carried valid digests (complex handshake). */
  private volatile boolean handshakeVerified;
  private volatile boolean amf3Commands;

  private RtmpClient(Channel channel, Handler handler) {
    this.channel = channel;
    this.handler = handler;
  }

  /** Connects and runs the handshake and {@code connect}; completes when the server accepted the app. */
  public static CompletableFuture<RtmpClient> connect(EventLoopGroup group, Class<? extends Channel> channelClass,
      String host, int port, String app, boolean complexHandshake, Listener listener) {
    return connect(group, channelClass, host, port, app, complexHandshake, listener, null);
  }

  /** The same over TLS ({@code tls}; null: none), as an RTMPS client. */
  public static CompletableFuture<RtmpClient> connect(EventLoopGroup group, Class<? extends Channel> channelClass,
      String host, int port, String app, boolean complexHandshake, Listener listener, SslContext tls) {
    CompletableFuture<RtmpClient> result = new CompletableFuture<>();
    Handler handler = new Handler(listener);
    Bootstrap b = new Bootstrap().group(group).channel(channelClass).option(ChannelOption.TCP_NODELAY, true)
        .handler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ChunkDecoder decoder = new ChunkDecoder(32 << 20, 32 << 20);
            handler.decoder = decoder;
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
            }
            handler.client = new RtmpClient(ch, handler);
            byte[] c1 = ClientHandshake.clientC1(complexHandshake, (int) (System.currentTimeMillis() / 1000));
            ch.pipeline().addLast("handshake", new PullHandshakeDecoder(c1, (ctx, s1, s2) -> {
              ctx.pipeline().addAfter("handshake", "chunks", decoder);
              handler.client.handshakeVerified = ClientHandshake.clientVerifies(c1, s1, s2);
              handler.client.sendConnect(app, host, port).whenComplete((v, e) -> {
                if (e != null) {
                  result.completeExceptionally(e);
                } else {
                  result.complete(handler.client);
                }
              });
            }));
            ch.pipeline().addLast("client", handler);
          }
        });
    b.connect(host, port).addListener((io.netty.channel.ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
        return;
      }
      f.channel().closeFuture().addListener(x -> {
        result.completeExceptionally(new IllegalStateException("connection closed"));
        handler.failAll();
      });
    });
    return result;
  }

  public Channel channel() {
    return channel;
  }

  public boolean handshakeVerified() {
    return handshakeVerified;
  }

  /** The codes of every onStatus received so far. */
  public List<String> statuses() {
    return handler.statuses;
  }

  /**
   * Calls a command on message stream {@code msid}; completes with the {@code _result} values
   * (name, transaction id, then the answer's values), fails on {@code _error}.
   */
  public CompletableFuture<List<Object>> call(String name, int msid, Object... args) {
    double txn = handler.nextTxn++;
    CompletableFuture<List<Object>> f = new CompletableFuture<>();
    handler.pending.put(txn, f);
    command(msid, name, txn, args);
    return f;
  }

  /** Sends a command that expects no answer (publish, play, deleteStream). */
  public void command(int msid, String name, double txn, Object... args) {
    ByteBuf m = RtmpMessages.command(channel.alloc(), msid, outChunkSize, name, txn, args);
    if (amf3Commands) {
      // The same values as an AMF3 command message: a 0x00 format byte before AMF0 values.
      m.release();
      ByteBuf body = Unpooled.buffer();
      body.writeByte(0);
      dev.parley.live.amf.Amf0Writer.write(body, name);
      dev.parley.live.amf.Amf0Writer.write(body, txn);
      dev.parley.live.amf.Amf0Writer.writeAll(body, args);
      byte[] bytes = new byte[body.readableBytes()];
      body.readBytes(bytes);
      m = ChunkEncoder.encode(channel.alloc(), ChunkEncoder.CSID_COMMAND, MessageType.COMMAND_AMF3, msid, 0, bytes,
          outChunkSize);
    }
    channel.writeAndFlush(m);
  }

  /** Sends later commands as AMF3 command messages (type 17), as Flash clients with objectEncoding 3 do. */
  public void useAmf3Commands(boolean on) {
    amf3Commands = on;
  }

  /** The message stream of the last createStream. */
  public int streamId() {
    return streamId;
  }

  private CompletableFuture<Void> sendConnect(String app, String host, int port) {
    return call("connect", 0, Amf.object("app", app, "type", "nonprivate", "flashVer", "FMLE/3.0",
        "tcUrl", "rtmp://" + host + ":" + port + "/" + app, "objectEncoding", 0.0)).thenApply(v -> null);
  }

  /** Sets our chunk size for what we send. */
  public void setChunkSize(int size) {
    channel.writeAndFlush(RtmpMessages.control(channel.alloc(), MessageType.SET_CHUNK_SIZE, size, outChunkSize));
    outChunkSize = size;
  }

  /** createStream then publish; completes on NetStream.Publish.Start, fails on an error status. */
  public CompletableFuture<Void> publish(String name) {
    return call("createStream", 0, (Object) null).thenCompose(r -> {
      streamId = r.size() > 3 && r.get(3) instanceof Number n ? n.intValue() : 1;
      CompletableFuture<Void> started = handler.awaitStatus("NetStream.Publish.Start");
      command(streamId, "publish", 0, null, name, "live");
      return started;
    });
  }

  private volatile double playDuration = -1;

  /** The duration argument of later plays (seconds; -1 for all). */
  public void playDuration(double seconds) {
    playDuration = seconds;
  }

  /** Completes when an onStatus with {@code code} arrives (after this call). */
  public CompletableFuture<Void> awaitStatus(String code) {
    return handler.awaitStatus(code);
  }

  /** createStream then play; completes on NetStream.Play.Start, fails on an error status. */
  public CompletableFuture<Void> play(String name) {
    return call("createStream", 0, (Object) null).thenCompose(r -> {
      streamId = r.size() > 3 && r.get(3) instanceof Number n ? n.intValue() : 1;
      CompletableFuture<Void> started = handler.awaitStatus("NetStream.Play.Start");
      command(streamId, "play", 0, null, name, -2.0, playDuration, true);
      return started;
    });
  }

  /** Sends an audio, video or data message on the published stream (any thread). */
  public void send(int type, long timestamp, byte[] payload) {
    int csid = type == MessageType.AUDIO ? ChunkEncoder.CSID_AUDIO : type == MessageType.VIDEO
        ? ChunkEncoder.CSID_VIDEO : ChunkEncoder.CSID_DATA;
    channel.writeAndFlush(ChunkEncoder.encode(channel.alloc(), csid, type, streamId, timestamp, payload, outChunkSize));
  }

  /** Writes raw bytes (for tests of broken clients). */
  public void sendRaw(ByteBuf bytes) {
    channel.writeAndFlush(bytes);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<RtmpMessage> {
    final Listener listener;
    final Map<Double, CompletableFuture<List<Object>>> pending = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    volatile RtmpClient client;
    ChunkDecoder decoder;
    double nextTxn = 1;
    long lastAck;
    long window = 2_500_000;

    Handler(Listener listener) {
      this.listener = listener;
    }

    CompletableFuture<Void> awaitStatus(String code) {
      return awaited.computeIfAbsent(code, k -> new CompletableFuture<>());
    }

    void failAll() {
      IllegalStateException closed = new IllegalStateException("connection closed");
      pending.values().forEach(f -> f.completeExceptionally(closed));
      awaited.values().forEach(f -> f.completeExceptionally(closed));
      listener.onClose();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws AmfException {
      if (decoder.bytesReceived() - lastAck >= window) {
        lastAck = decoder.bytesReceived();
        ctx.writeAndFlush(RtmpMessages.control(ctx.alloc(), MessageType.ACK, (int) lastAck, client.outChunkSize));
      }
      switch (m.type()) {
        case MessageType.AUDIO:
        case MessageType.VIDEO:
        case MessageType.DATA_AMF0:
          listener.onMedia(m);
          break;
        case MessageType.WINDOW_ACK_SIZE:
          window = ((long) (m.payload()[0] & 0xFF) << 24) | ((m.payload()[1] & 0xFF) << 16)
              | ((m.payload()[2] & 0xFF) << 8) | (m.payload()[3] & 0xFF);
          break;
        case MessageType.USER_CONTROL: {
          byte[] p = m.payload();
          if (p.length >= 6 && p[1] == MessageType.UC_PING_REQUEST) {
            int v = ((p[2] & 0xFF) << 24) | ((p[3] & 0xFF) << 16) | ((p[4] & 0xFF) << 8) | (p[5] & 0xFF);
            ctx.writeAndFlush(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_PING_RESPONSE, v, client.outChunkSize));
            listener.onPing(v);
          }
          break;
        }
        case MessageType.COMMAND_AMF0:
          command(new Amf0Reader(Unpooled.wrappedBuffer(m.payload())).readAll());
          break;
        default:
          break;
      }
    }

    @SuppressWarnings("unchecked")
    private void command(List<Object> v) {
      String name = (String) v.get(0);
      double txn = v.size() > 1 && v.get(1) instanceof Number n ? n.doubleValue() : 0;
      if (name.equals("_result") || name.equals("_error")) {
        CompletableFuture<List<Object>> f = pending.remove(txn);
        if (f != null) {
          if (name.equals("_result")) {
            f.complete(v);
          } else {
            f.completeExceptionally(new IllegalStateException("_error: " + v));
          }
        }
      } else if (name.equals("onStatus") && v.size() > 3 && v.get(3) instanceof Map<?, ?> info) {
        String code = String.valueOf(info.get("code"));
        statuses.add(code);
        listener.onStatus(code, (Map<String, Object>) info);
        CompletableFuture<Void> f = awaited.remove(code);
        if (f != null) {
          f.complete(null);
        }
        if ("error".equals(info.get("level"))) {
          IllegalStateException e = new IllegalStateException(code + ": " + info.get("description"));
          awaited.values().forEach(x -> x.completeExceptionally(e));
        }
      }
    }
  }
}
