package dev.parley.live.rtmp;

import dev.parley.core.time.TimeSource;
import dev.parley.live.amf.Amf0Reader;
import dev.parley.live.amf.Amf0Writer;
import dev.parley.live.amf.AmfException;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.Publisher;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing side of an RTMP connection: the {@code publish} command, then its audio, video,
 * data and aggregate messages into the stream, until unpublish, takeover or close. On the
 * channel's event loop, except {@link #lastMediaNanos} (read by a takeover on another loop) and
 * {@link #kick} (any thread).
 */
final class Publishing implements Publisher {
  private static final Logger log = LoggerFactory.getLogger(Publishing.class);

  private final NetConnection net;
  private final StreamHub hub;
  private final AccessGate gate;
  private final TimeSource time;
  private final Timestamps timestamps = new Timestamps();
  private int streamId;
  private LiveStream stream;
  private AccessRequest request;
  private volatile long lastMediaNanos;

  Publishing(NetConnection net, StreamHub hub, AccessGate gate, TimeSource time) {
    this.net = net;
    this.hub = hub;
    this.gate = gate;
    this.time = time;
    this.lastMediaNanos = time.nanoTime();
  }

  /** Whether this connection publishes a stream now. */
  boolean active() {
    return stream != null;
  }

  /** The publish command on message stream {@code id}. */
  void publish(int id, Object nameArg) {
    if (stream != null || gate.pending() || !net.created(id)) {
      net.refuse(id, "NetStream.Publish.BadName", "publish on a stream that was not created, or twice");
      return;
    }
    AccessRequest r = net.request(AccessRequest.Action.PUBLISH, nameArg instanceof String s ? s : "");
    if (!StreamNames.valid(r.stream())) {
      net.refuse(id, "NetStream.Publish.BadName", "stream name must be " + StreamNames.RULE);
      return;
    }
    // In a cluster the name must be free on every node: refused as a duplicate publisher is here.
    gate.check(r, id, () -> hub.upstream().mayPublish(net.app(), r.stream()), "NetStream.Publish.BadName", () -> {
      StreamHub.PublishResult result = hub.publish(net.app(), r.stream(), this);
      if (!result.ok()) {
        hub.metrics().refused(true);
        log.info("rtmp publish {} from {} refused: {}", r.key(), r.remote(), result.refusal());
        net.refuse(id, "NetStream.Publish.BadName", result.refusal());
        return;
      }
      stream = result.stream();
      streamId = id;
      request = r;
      lastMediaNanos = time.nanoTime();
      log.info("rtmp publish {} from {}", r.key(), r.remote());
      net.write(net.userControl(MessageType.UC_STREAM_BEGIN, id));
      net.status(id, "status", "NetStream.Publish.Start", r.stream() + " is now published.");
    });
  }

  /** An audio or video message (or a data message already in AMF0). */
  void media(int type, long ts32, byte[] payload, int msid) {
    if (stream == null || msid != streamId || payload.length == 0) {
      return;
    }
    lastMediaNanos = time.nanoTime();
    stream.onFrame(this, type, timestamps.extend(Timestamps.track(type), ts32), payload);
  }

  /** A data message: {@code @setDataFrame} is unwrapped, AMF3 data is passed on as AMF0. */
  void data(RtmpMessage m) throws AmfException {
    if (stream == null || m.streamId() != streamId) {
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

  /** An aggregate message: each of its audio and video tags as a message of its own. */
  void aggregate(RtmpMessage m) {
    Aggregates.split(m, this::media);
  }

  /** deleteStream or closeStream of {@code id}: unpublishes if it is the published stream (not flushed). */
  void closeStream(int id) {
    if (stream != null && id == streamId) {
      net.writeStatus(id, "status", "NetStream.Unpublish.Success", stream.name() + " is now unpublished.");
      stop();
    }
  }

  /** Leaves the stream (unpublish, or the connection closed). */
  void stop() {
    if (stream != null) {
      stream.unpublish(this);
      log.info("rtmp unpublish {} from {}", stream.key(), request.remote());
      gate.done(request);
      stream = null;
    }
  }

  @Override
  public String remoteAddress() {
    return net.remoteAddress();
  }

  @Override
  public long lastMediaNanos() {
    return lastMediaNanos;
  }

  @Override
  public void kick(String reason) {
    net.execute(() -> {
      if (stream == null) {
        return;
      }
      log.info("rtmp publisher of {} at {} disconnected: {}", stream.key(), remoteAddress(), reason);
      gate.done(request);
      stream = null;
      net.refuse(streamId, "NetStream.Publish.BadName", reason);
    });
  }
}
