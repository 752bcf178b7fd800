package dev.parley.live.rtmp;

import dev.parley.core.time.TimeSource;
import dev.parley.live.control.AccessControl;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.handshake.ServerHandshakeDecoder;
import dev.parley.live.stream.StreamHub;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.util.function.Consumer;

/**
 * Builds an RTMP connection's pipeline: idle check, handshake (replaced by the chunk decoder once
 * done), then the connection. The connection's deadline also covers a stalled handshake.
 */
public final class RtmpPipeline implements Consumer<Channel> {
  public static final String IDLE = "rtmp-idle";
  public static final String HANDSHAKE = "rtmp-handshake";
  public static final String CHUNKS = "rtmp-chunks";
  public static final String CONNECTION = "rtmp-connection";

  private final RtmpSettings settings;
  private final StreamHub hub;
  private final AccessControl access;
  private final TimeSource time;

  private final io.netty.channel.group.ChannelGroup connections;

  /** {@code connections} collects every RTMP connection (closed on drain); every timeout runs on {@code time}. */
  public RtmpPipeline(RtmpSettings settings, StreamHub hub, AccessControl access,
      io.netty.channel.group.ChannelGroup connections, TimeSource time) {
    this.settings = settings;
    this.hub = hub;
    this.access = access;
    this.connections = connections;
    this.time = time;
  }

  @Override
  public void accept(Channel ch) {
    connections.add(ch);
    ChannelPipeline p = ch.pipeline();
    ChunkDecoder decoder = new ChunkDecoder(settings.maxMessageSize(), settings.maxMessageSize());
    p.addLast(IDLE, new ReadIdleHandler(time, settings.idleTimeout()));
    p.addLast(HANDSHAKE, new ServerHandshakeDecoder(time,
        ctx -> ctx.pipeline().addAfter(HANDSHAKE, CHUNKS, decoder)));
    p.addLast(CONNECTION, new RtmpConnection(settings, hub, access, decoder, time));
  }
}
