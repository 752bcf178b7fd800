package dev.parley.live.rtmp;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Reader;
import dev.parley.live.amf.Amf0Writer;
import dev.parley.live.amf.AmfException;
import dev.parley.live.control.AccessControl;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import dev.parley.live.rtmp.chunk.RtmpProtocolException;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.Publisher;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP connection after the handshake: answers protocol and user control messages, runs the
 * NetConnection and NetStream commands, feeds a published stream and plays one. All state is
 * confined to the channel's event loop; access checks complete on the blocking pool and come back
 * to the loop (with reading paused meanwhile).
 */
public final class RtmpConnection extends SimpleChannelInboundHandler<RtmpMessage> implements Publisher {
  private static final Logger log = LoggerFactory.getLogger(RtmpConnection.class);

  private final RtmpSettings settings;
  private final StreamHub hub;
  private final AccessControl access;
  private final ChunkDecoder decoder;
  private final TimeSource time;
  private ChannelHandlerContext ctx;
  private String app;
  private String tcUrl;
  private double objectEncoding;
  private boolean connected;
  private int nextStreamId = 1;
  private long peerWindow = 2_500_000;
  private long lastAck;
  private Cancellable pinger = Cancellable.NONE;
  private Cancellable deadline = Cancellable.NONE;

  private int publishStreamId;
  private LiveStream published;
  private AccessRequest publishRequest;
  private boolean publishPending;
  private final long[] lastTs = new long[3];
  private final long[] tsBase = new long[3];
  private final boolean[] tsSeen = new boolean[3];
  private volatile long lastMediaNanos;

  private RtmpViewer viewer;
  private AccessRequest playRequest;
  private boolean playPending;

  /** Every deadline (handshake, play duration), the pinger and the idle-takeover clock run on {@code time}. */
  public RtmpConnection(RtmpSettings settings, StreamHub hub, AccessControl access, ChunkDecoder decoder,
      TimeSource time) {
    this.settings = settings;
    this.hub = hub;
    this.access = access;
    this.decoder = decoder;
    this.time = time;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastMediaNanos = time.nanoTime();
    deadline = time.schedule(ctx.executor(), () -> {
      if (published == null && viewer == null && ctx.channel().isOpen()) {
        fail("no publish or play within " + settings.handshakeTimeout().toSeconds() + " s");
      }
    }, settings.handshakeTimeout());
    pinger = time.every(ctx.executor(), () -> {
      if (connected) {
        ctx.writeAndFlush(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_PING_REQUEST,
            (int) time.millis(), settings.chunkSize()));
      }
    }, settings.pingInterval());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cleanup();
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      fail("nothing received for " + settings.idleTimeout().toSeconds() + " s");
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    Throwable c = cause.getCause() != null && !(cause instanceof RtmpProtocolException) ? cause.getCause() : cause;
    if (c instanceof RtmpProtocolException || c instanceof AmfException
        || c instanceof dev.parley.live.rtmp.handshake.HandshakeException) {
      fail(c.getMessage());
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  private void fail(String reason) {
    log.info("rtmp {} closed: {}", ctx.channel().remoteAddress(), reason);
    ctx.close();
  }

  private void cleanup() {
    pinger.cancel();
    deadline.cancel();
    stopPublishing();
    stopPlaying();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
    if (decoder.bytesReceived() - lastAck >= peerWindow) {
      lastAck = decoder.bytesReceived();
      ctx.writeAndFlush(RtmpMessages.control(ctx.alloc(), MessageType.ACK, (int) lastAck, settings.chunkSize()));
    }
    switch (m.type()) {
      case MessageType.AUDIO:
      case MessageType.VIDEO:
        media(m.type(), m.timestamp(), m.payload(), m.streamId());
        break;
      case MessageType.DATA_AMF0:
      case MessageType.DATA_AMF3:
        data(m);
        break;
      case MessageType.COMMAND_AMF0:
      case MessageType.COMMAND_AMF3:
        command(m);
        break;
      case MessageType.AGGREGATE:
        aggregate(m);
        break;
      case MessageType.USER_CONTROL:
        userControl(m.payload());
        break;
      case MessageType.WINDOW_ACK_SIZE:
        if (m.payload().length >= 4) {
          peerWindow = Math.max(1, readInt(m.payload(), 0) & 0xFFFFFFFFL);
        }
        break;
      default:
        break; // acks, peer bandwidth and shared objects need no answer
    }
  }

  private void userControl(byte[] p) {
    if (p.length >= 6 && ((p[0] << 8) | (p[1] & 0xFF)) == MessageType.UC_PING_REQUEST) {
      ctx.writeAndFlush(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_PING_RESPONSE, readInt(p, 2),
          settings.chunkSize()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Media in

  private void media(int type, long ts32, byte[] payload, int streamId) {
    if (published == null || streamId != publishStreamId || payload.length == 0) {
      return;
    }
    lastMediaNanos = time.nanoTime();
    published.onFrame(this, type, extend(type == MessageType.AUDIO ? 0 : type == MessageType.VIDEO ? 1 : 2, ts32),
        payload);
  }

  /** Undoes the 32-bit timestamp rollover (about every 49.7 days), per track. */
  long extend(int track, long ts32) {
    if (!tsSeen[track]) {
      tsSeen[track] = true;
    } else {
      long diff = ts32 - lastTs[track];
      if (diff < -0x80000000L) {
        tsBase[track] += 1L << 32;
      } else if (diff > 0x80000000L && tsBase[track] > 0) {
        tsBase[track] -= 1L << 32; // a late frame from before the wrap
      }
    }
    lastTs[track] = ts32;
    return tsBase[track] + ts32;
  }

  private void data(RtmpMessage m) throws AmfException {
    if (published == null || m.streamId() != publishStreamId) {
      return;
    }
    ByteBuf in = Unpooled.wrappedBuffer(m.payload());
    if (m.type() == MessageType.DATA_AMF3 && in.isReadable() && in.getByte(0) == 0) {
      in.skipBytes(1);
    }
    List<Object> values = new Amf0Reader(in).readAll();
    if (!values.isEmpty() && "@setDataFrame".equals(values.get(0))) {
      values = values.subList(1, values.size());
    } else if (m.type() == MessageType.DATA_AMF0) {
      media(MessageType.DATA_AMF0, m.timestamp(), m.payload(), m.streamId());
      return;
    }
    ByteBuf out = Unpooled.buffer(m.payload().length + 16);
    for (Object v : values) {
      Amf0Writer.write(out, v);
    }
    byte[] payload = new byte[out.readableBytes()];
    out.readBytes(payload);
    media(MessageType.DATA_AMF0, m.timestamp(), payload, m.streamId());
  }

  /** An aggregate message: FLV tags back to back, timed relative to the first. */
  private void aggregate(RtmpMessage m) {
    byte[] p = m.payload();
    int pos = 0;
    long base = -1;
    while (pos + 11 <= p.length) {
      int type = p[pos] & 0xFF;
      int size = ((p[pos + 1] & 0xFF) << 16) | ((p[pos + 2] & 0xFF) << 8) | (p[pos + 3] & 0xFF);
      long ts = (((p[pos + 4] & 0xFF) << 16) | ((p[pos + 5] & 0xFF) << 8) | (p[pos + 6] & 0xFF)
          | ((long) (p[pos + 7] & 0xFF) << 24)) & 0xFFFFFFFFL;
      if (pos + 11 + size > p.length) {
        return;
      }
      if (base < 0) {
        base = ts;
      }
      byte[] body = java.util.Arrays.copyOfRange(p, pos + 11, pos + 11 + size);
      if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
        media(type, (m.timestamp() + ts - base) & 0xFFFFFFFFL, body, m.streamId());
      }
      pos += 11 + size + 4;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commands

  private void command(RtmpMessage m) throws AmfException {
    ByteBuf in = Unpooled.wrappedBuffer(m.payload());
    if (m.type() == MessageType.COMMAND_AMF3 && in.isReadable() && in.getByte(0) == 0) {
      in.skipBytes(1);
    }
    List<Object> v = new Amf0Reader(in).readAll();
    if (v.isEmpty() || !(v.get(0) instanceof String name)) {
      throw new AmfException("command message without a command name");
    }
    double txn = v.size() > 1 && v.get(1) instanceof Number n ? n.doubleValue() : 0;
    Object obj = v.size() > 2 ? v.get(2) : null;
    if (!connected && !name.equals("connect")) {
      fail("command " + name + " before connect");
      return;
    }
    switch (name) {
      case "connect":
        connect(txn, obj);
        break;
      case "createStream":
        result(txn, null, (double) nextStreamId++);
        break;
      case "releaseStream":
      case "_checkbw":
        result(txn, null, Amf.Undefined.INSTANCE);
        break;
      case "FCPublish":
        ctx.write(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), "onFCPublish", 0, null,
            Amf.object("code", "NetStream.Publish.Start", "description", String.valueOf(arg(v, 3)))));
        result(txn, null, Amf.Undefined.INSTANCE);
        break;
      case "FCUnpublish":
        ctx.write(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), "onFCUnpublish", 0, null,
            Amf.object("code", "NetStream.Unpublish.Success", "description", String.valueOf(arg(v, 3)))));
        result(txn, null, Amf.Undefined.INSTANCE);
        break;
      case "getStreamLength":
        result(txn, null, 0.0); // live streams have no length
        break;
      case "publish":
        publish(m.streamId(), arg(v, 3));
        break;
      case "play":
        play(m.streamId(), arg(v, 3), number(arg(v, 4), -2), number(arg(v, 5), -1), !(arg(v, 6) instanceof Boolean b) || b);
        break;
      case "deleteStream":
      case "closeStream": {
        int id = name.equals("closeStream") ? m.streamId() : (int) number(arg(v, 3), m.streamId());
        if (published != null && id == publishStreamId) {
          ctx.write(RtmpMessages.status(ctx.alloc(), id, settings.chunkSize(), "status", "NetStream.Unpublish.Success",
              published.name() + " is now unpublished.", null));
          stopPublishing();
        }
        if (viewer != null && id == viewer.streamId()) {
          viewer.stop();
          stopPlaying();
        }
        ctx.flush();
        break;
      }
      case "pause":
      case "receiveAudio":
      case "receiveVideo":
        break; // live playback: accepted, nothing to change
      default:
        if (txn > 0) {
          ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), "_error", txn, null,
              Amf.object("level", "error", "code", "NetConnection.Call.Failed", "description", "unknown command " + name)));
        }
        break;
    }
  }

  private void connect(double txn, Object obj) {
    if (connected) {
      fail("connect sent twice");
      return;
    }
    String a = Amf.string(obj, "app");
    if (a == null) {
      fail("connect without an app");
      return;
    }
    int q = a.indexOf('?');
    a = (q >= 0 ? a.substring(0, q) : a).replaceAll("^/+|/+$", "");
    if (!StreamNames.valid(a)) {
      // Chunked at the default 128: our own chunk size is announced only on success.
      ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, 128, "_error", txn, null,
          Amf.object("level", "error", "code", "NetConnection.Connect.Rejected",
              "description", "application name must be " + StreamNames.RULE)))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    app = a;
    tcUrl = Amf.string(obj, "tcUrl");
    objectEncoding = Amf.number(obj, "objectEncoding", 0);
    connected = true;
    int cs = settings.chunkSize();
    ctx.write(RtmpMessages.control(ctx.alloc(), MessageType.WINDOW_ACK_SIZE, settings.ackWindow(), 128));
    ctx.write(RtmpMessages.peerBandwidth(ctx.alloc(), settings.ackWindow(), 2, 128));
    ctx.write(RtmpMessages.control(ctx.alloc(), MessageType.SET_CHUNK_SIZE, cs, 128));
    Map<String, Object> props = Amf.object("fmsVer", "FMS/3,5,7,7009", "capabilities", 31.0, "mode", 1.0);
    Map<String, Object> info = Amf.object("level", "status", "code", "NetConnection.Connect.Success",
        "description", "Connection succeeded.", "objectEncoding", objectEncoding);
    if (obj instanceof Map<?, ?> m && m.get("fourCcList") != null) {
      props.put("fourCcList", m.get("fourCcList")); // Enhanced RTMP: we pass every codec through
    }
    result(txn, props, info);
  }

  private void result(double txn, Object props, Object info) {
    ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), "_result", txn, props, info));
  }

  private void status(int streamId, String level, String code, String description) {
    ctx.writeAndFlush(RtmpMessages.status(ctx.alloc(), streamId, settings.chunkSize(), level, code, description, null));
  }

  private void refuse(int streamId, String code, String description) {
    ctx.writeAndFlush(RtmpMessages.status(ctx.alloc(), streamId, settings.chunkSize(), "error", code, description, null))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private AccessRequest request(AccessRequest.Action action, String nameWithQuery) {
    int q = nameWithQuery.indexOf('?');
    String stream = q >= 0 ? nameWithQuery.substring(0, q) : nameWithQuery;
    Map<String, String> params = AccessRequest.parseQuery(q >= 0 ? nameWithQuery.substring(q + 1) : null);
    if (tcUrl != null && tcUrl.indexOf('?') >= 0) {
      AccessRequest.parseQuery(tcUrl.substring(tcUrl.indexOf('?') + 1)).forEach(params::putIfAbsent);
    }
    return new AccessRequest(action, "rtmp", app, stream, params, (InetSocketAddress) ctx.channel().remoteAddress(),
        tcUrl);
  }

  private void publish(int streamId, Object nameArg) {
    if (published != null || publishPending || streamId <= 0 || streamId >= nextStreamId) {
      refuse(streamId, "NetStream.Publish.BadName", "publish on a stream that was not created, or twice");
      return;
    }
    AccessRequest r = request(AccessRequest.Action.PUBLISH, nameArg instanceof String s ? s : "");
    if (!StreamNames.valid(r.stream())) {
      refuse(streamId, "NetStream.Publish.BadName", "stream name must be " + StreamNames.RULE);
      return;
    }
    checkAccess(r, streamId, true, () -> {
      StreamHub.PublishResult result = hub.publish(app, r.stream(), this);
      if (!result.ok()) {
        hub.metrics().refused(true);
        log.info("rtmp publish {} from {} refused: {}", r.key(), r.remote(), result.refusal());
        refuse(streamId, "NetStream.Publish.BadName", result.refusal());
        return;
      }
      published = result.stream();
      publishStreamId = streamId;
      publishRequest = r;
      lastMediaNanos = time.nanoTime();
      log.info("rtmp publish {} from {}", r.key(), r.remote());
      ctx.write(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_STREAM_BEGIN, streamId, settings.chunkSize()));
      status(streamId, "status", "NetStream.Publish.Start", r.stream() + " is now published.");
    });
  }

  /** Runs the access check off the loop (reading paused), then {@code allowed} back on the loop. */
  private void checkAccess(AccessRequest r, int streamId, boolean publish, Runnable allowed) {
    setPending(publish, true);
    ctx.channel().config().setAutoRead(false);
    access.check(r).whenComplete((refusal, err) -> ctx.executor().execute(() -> {
      setPending(publish, false);
      ctx.channel().config().setAutoRead(true);
      if (!ctx.channel().isActive()) {
        return;
      }
      if (refusal != null || err != null) {
        hub.metrics().refused(publish);
        String why = refusal != null ? refusal : "access check failed";
        log.info("rtmp {} {} from {} refused: {}", publish ? "publish" : "play", r.key(), r.remote(), why);
        refuse(streamId, publish ? "NetStream.Publish.Unauthorized" : "NetStream.Play.Failed", why);
        return;
      }
      allowed.run();
    }));
  }

  private void setPending(boolean publish, boolean pending) {
    if (publish) {
      publishPending = pending;
    } else {
      playPending = pending;
    }
  }

  private void play(int streamId, Object nameArg, double start, double duration, boolean reset) {
    if (viewer != null || playPending || streamId <= 0 || streamId >= nextStreamId) {
      refuse(streamId, "NetStream.Play.Failed", "play on a stream that was not created, or twice");
      return;
    }
    AccessRequest r = request(AccessRequest.Action.PLAY, nameArg instanceof String s ? s : "");
    if (!StreamNames.valid(r.stream())) {
      refuse(streamId, "NetStream.Play.StreamNotFound", "no such stream: " + r.stream());
      return;
    }
    checkAccess(r, streamId, false, () -> {
      LiveStream existing = hub.get(app, r.stream());
      if (!settings.waitForPublisher() && (existing == null || !existing.isLive())) {
        hub.metrics().refused(false);
        refuse(streamId, "NetStream.Play.StreamNotFound", "no such stream: " + r.stream());
        return;
      }
      RtmpViewer v = new RtmpViewer(ctx.channel(), streamId, settings.chunkSize(), reset, settings.viewerQueueBytes());
      if (!hub.play(app, r.stream(), v)) {
        hub.metrics().refused(false);
        refuse(streamId, "NetStream.Play.Failed", "the server's stream limit is reached");
        return;
      }
      viewer = v;
      playRequest = r;
      if (duration > 0) {
        time.schedule(ctx.executor(), () -> {
          if (viewer == v) {
            v.stop();
            stopPlaying();
          }
        }, java.time.Duration.ofMillis((long) (duration * 1000)));
      }
    });
  }

  private void stopPublishing() {
    if (published != null) {
      published.unpublish(this);
      log.info("rtmp unpublish {} from {}", published.key(), publishRequest.remote());
      access.done(publishRequest);
      published = null;
    }
  }

  private void stopPlaying() {
    if (viewer != null) {
      if (viewer.stream() != null) {
        viewer.stream().leave(viewer);
      }
      access.done(playRequest);
      viewer = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Publisher

  @Override
  public String remoteAddress() {
    InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
    return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  @Override
  public long lastMediaNanos() {
    return lastMediaNanos;
  }

  @Override
  public void kick(String reason) {
    ctx.executor().execute(() -> {
      if (published == null) {
        return;
      }
      log.info("rtmp publisher of {} at {} disconnected: {}", published.key(), remoteAddress(), reason);
      access.done(publishRequest);
      published = null;
      refuse(publishStreamId, "NetStream.Publish.BadName", reason);
    });
  }

  private static Object arg(List<Object> v, int i) {
    return v.size() > i ? v.get(i) : null;
  }

  private static double number(Object o, double fallback) {
    return o instanceof Number n ? n.doubleValue() : fallback;
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }
}
