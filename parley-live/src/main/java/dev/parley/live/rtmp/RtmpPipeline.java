package dev.parley.live.rtmp;

import static dev.parley.live.rtmp.RtmpHandlerNames.CHUNKS;
import static dev.parley.live.rtmp.RtmpHandlerNames.CONNECTION;
import static dev.parley.live.rtmp.RtmpHandlerNames.HANDSHAKE;
import static dev.parley.live.rtmp.RtmpHandlerNames.IDLE;

import dev.parley.core.time.TimeSource;
import dev.parley.live.control.AccessControl;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.handshake.ServerHandshakeDecoder;
import dev.parley.live.stream.StreamHub;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import java.util.function.Consumer;

/**
 * Builds an RTMP connection's pipeline, the one place that does: idle check, handshake (followed by
 * the chunk decoder once done), then the connection; see {@link RtmpHandlerNames} for the final
 * order. The connection's deadline also covers a stalled handshake.
 */
public final class RtmpPipeline implements Consumer<Channel> {
  private final RtmpSettings settings;
  private final StreamHub hub;
  private final AccessControl access;
  private final TimeSource time;
  private final ChannelGroup connections;

  /** {@code connections} collects every RTMP connection (closed on drain); every timeout runs on {@code time}. */
  public RtmpPipeline(RtmpSettings settings, StreamHub hub, AccessControl access, ChannelGroup connections,
      TimeSource time) {
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
    p.addLast(HANDSHAKE, new ServerHandshakeDecoder(time, ctx -> ctx.pipeline().addAfter(HANDSHAKE, CHUNKS, decoder)));
    p.addLast(CONNECTION, new RtmpConnection(settings, hub, access, decoder, time));
  }
}
