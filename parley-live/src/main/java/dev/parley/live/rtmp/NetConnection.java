package dev.parley.live.rtmp;

import dev.parley.live.amf.Amf;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.stream.StreamNames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetConnection of one RTMP connection: {@code connect} (the application and tcUrl), the
 * message streams {@code createStream} handed out, and the replies every command sends. On the
 * channel's event loop.
 */
final class NetConnection {
  private static final Logger log = LoggerFactory.getLogger(NetConnection.class);
  /** The chunk size both sides use until one announces another. */
  private static final int DEFAULT_CHUNK_SIZE = 128;

  private final ChannelHandlerContext ctx;
  private final RtmpSettings settings;
  private String app;
  private String tcUrl;
  private boolean connected;
  private int nextStreamId = 1;

  NetConnection(ChannelHandlerContext ctx, RtmpSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  Channel channel() {
    return ctx.channel();
  }

  RtmpSettings settings() {
    return settings;
  }

  /** The application of a successful connect. */
  String app() {
    return app;
  }

  boolean connected() {
    return connected;
  }

  /** createStream: the next message stream id. */
  int createStream() {
    return nextStreamId++;
  }

  /** Whether {@code streamId} was handed out by createStream. */
  boolean created(int streamId) {
    return streamId > 0 && streamId < nextStreamId;
  }

  /** The connect command: takes the application (refused unless it is a valid name) and answers. */
  void connect(double txn, Object obj) {
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
      ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, DEFAULT_CHUNK_SIZE, "_error", txn, null,
          Amf.object("level", "error", "code", "NetConnection.Connect.Rejected",
              "description", "application name must be " + StreamNames.RULE)))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    app = a;
    tcUrl = Amf.string(obj, "tcUrl");
    double objectEncoding = Amf.number(obj, "objectEncoding", 0);
    connected = true;
    int cs = settings.chunkSize();
    ctx.write(RtmpMessages.control(ctx.alloc(), MessageType.WINDOW_ACK_SIZE, settings.ackWindow(), DEFAULT_CHUNK_SIZE));
    ctx.write(RtmpMessages.peerBandwidth(ctx.alloc(), settings.ackWindow(), 2, DEFAULT_CHUNK_SIZE));
    ctx.write(RtmpMessages.control(ctx.alloc(), MessageType.SET_CHUNK_SIZE, cs, DEFAULT_CHUNK_SIZE));
    Map<String, Object> props = Amf.object("fmsVer", "FMS/3,5,7,7009", "capabilities", 31.0, "mode", 1.0);
    Map<String, Object> info = Amf.object("level", "status", "code", "NetConnection.Connect.Success",
        "description", "Connection succeeded.", "objectEncoding", objectEncoding);
    if (obj instanceof Map<?, ?> m && m.get("fourCcList") != null) {
      props.put("fourCcList", m.get("fourCcList")); // Enhanced RTMP: we pass every codec through
    }
    result(txn, props, info);
  }

  /** The access request of a publish or play of {@code nameWithQuery} (its query and tcUrl's give the params). */
  AccessRequest request(AccessRequest.Action action, String nameWithQuery) {
    int q = nameWithQuery.indexOf('?');
    String stream = q >= 0 ? nameWithQuery.substring(0, q) : nameWithQuery;
    Map<String, String> params = AccessRequest.parseQuery(q >= 0 ? nameWithQuery.substring(q + 1) : null);
    if (tcUrl != null && tcUrl.indexOf('?') >= 0) {
      AccessRequest.parseQuery(tcUrl.substring(tcUrl.indexOf('?') + 1)).forEach(params::putIfAbsent);
    }
    return new AccessRequest(action, "rtmp", app, stream, params, (InetSocketAddress) ctx.channel().remoteAddress(),
        tcUrl);
  }

  /** {@code _result} of transaction {@code txn}. */
  void result(double txn, Object props, Object info) {
    ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), "_result", txn, props, info));
  }

  /** A command on message stream 0 without an answer expected (onFCPublish, _error), not flushed. */
  void command(String name, double txn, Object info) {
    ctx.write(RtmpMessages.command(ctx.alloc(), 0, settings.chunkSize(), name, txn, null, info));
  }

  /** onStatus on {@code streamId}, flushed. */
  void status(int streamId, String level, String code, String description) {
    writeStatus(streamId, level, code, description);
    ctx.flush();
  }

  /** onStatus on {@code streamId}, not flushed. */
  void writeStatus(int streamId, String level, String code, String description) {
    ctx.write(RtmpMessages.status(ctx.alloc(), streamId, settings.chunkSize(), level, code, description, null));
  }

  /** An error onStatus on {@code streamId}, then the connection closes. */
  void refuse(int streamId, String code, String description) {
    ctx.writeAndFlush(RtmpMessages.status(ctx.alloc(), streamId, settings.chunkSize(), "error", code, description, null))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Closes the connection for a protocol error (logged once). */
  void fail(String reason) {
    log.info("rtmp {} closed: {}", ctx.channel().remoteAddress(), reason);
    ctx.close();
  }

  /** Writes without flushing. */
  void write(ByteBuf message) {
    ctx.write(message);
  }

  void writeAndFlush(ByteBuf message) {
    ctx.writeAndFlush(message);
  }

  void flush() {
    ctx.flush();
  }

  /** A user control event on stream 0's chunk stream ({@link MessageType#UC_STREAM_BEGIN} and the like). */
  ByteBuf userControl(int event, int value) {
    return RtmpMessages.userControl(ctx.alloc(), event, value, settings.chunkSize());
  }

  /** The connection's event loop, for its timers. */
  EventExecutor executor() {
    return ctx.executor();
  }

  /** Runs {@code task} on the connection's event loop. */
  void execute(Runnable task) {
    ctx.executor().execute(task);
  }

  /** The peer as "address:port", for stats and hooks. */
  String remoteAddress() {
    InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
    return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
