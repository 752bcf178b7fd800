package dev.parley.live.rtmp;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.live.amf.AmfException;
import dev.parley.live.control.AccessControl;
import dev.parley.live.rtmp.chunk.ChunkDecoder;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import dev.parley.live.rtmp.chunk.RtmpProtocolException;
import dev.parley.live.rtmp.handshake.HandshakeException;
import dev.parley.live.stream.StreamHub;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * One RTMP connection after the handshake, the last handler of its pipeline: answers protocol and
 * user control messages (acknowledgements, the peer's window, pings), keeps the connection's
 * timers (the deadline to publish or play, our pings), and hands commands to {@link Commands},
 * media to {@link Publishing}. All state is confined to the channel's event loop; access checks
 * complete on another thread and come back to the loop ({@link AccessGate}).
 */
final class RtmpConnection extends SimpleChannelInboundHandler<RtmpMessage> {
  private final RtmpSettings settings;
  private final StreamHub hub;
  private final AccessControl access;
  private final ChunkDecoder decoder;
  private final TimeSource time;
  private NetConnection net;
  private Commands commands;
  private Publishing publishing;
  private Playback playback;
  private long peerWindow = 2_500_000;
  private long lastAck;
  private Cancellable pinger = Cancellable.NONE;
  private Cancellable deadline = Cancellable.NONE;

  /** Every deadline (handshake, play duration), the pinger and the idle-takeover clock run on {@code time}. */
  RtmpConnection(RtmpSettings settings, StreamHub hub, AccessControl access, ChunkDecoder decoder, TimeSource time) {
    this.settings = settings;
    this.hub = hub;
    this.access = access;
    this.decoder = decoder;
    this.time = time;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    net = new NetConnection(ctx, settings);
    publishing = new Publishing(net, hub, new AccessGate(net, access, hub.metrics(), true), time);
    playback = new Playback(net, hub, new AccessGate(net, access, hub.metrics(), false), time);
    commands = new Commands(net, publishing, playback);
    deadline = time.schedule(ctx.executor(), () -> {
      if (!publishing.active() && !playback.active() && ctx.channel().isOpen()) {
        net.fail("no publish or play within " + settings.handshakeTimeout().toSeconds() + " s");
      }
    }, settings.handshakeTimeout());
    pinger = time.every(ctx.executor(), () -> {
      if (net.connected()) {
        net.writeAndFlush(net.userControl(MessageType.UC_PING_REQUEST, (int) time.millis()));
      }
    }, settings.pingInterval());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    pinger.cancel();
    deadline.cancel();
    publishing.stop();
    playback.stop();
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      net.fail("nothing received for " + settings.idleTimeout().toSeconds() + " s");
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    Throwable c = cause.getCause() != null && !(cause instanceof RtmpProtocolException) ? cause.getCause() : cause;
    if (c instanceof RtmpProtocolException || c instanceof AmfException || c instanceof HandshakeException) {
      net.fail(c.getMessage());
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
    if (decoder.bytesReceived() - lastAck >= peerWindow) {
      lastAck = decoder.bytesReceived();
      net.writeAndFlush(RtmpMessages.control(ctx.alloc(), MessageType.ACK, (int) lastAck, settings.chunkSize()));
    }
    switch (m.type()) {
      case MessageType.AUDIO, MessageType.VIDEO -> publishing.media(m.type(), m.timestamp(), m.payload(), m.streamId());
      case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> publishing.data(m);
      case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> commands.handle(m);
      case MessageType.AGGREGATE -> publishing.aggregate(m);
      case MessageType.USER_CONTROL -> userControl(m.payload());
      case MessageType.WINDOW_ACK_SIZE -> {
        if (m.payload().length >= 4) {
          peerWindow = Math.max(1, readInt(m.payload(), 0) & 0xFFFFFFFFL);
        }
      }
      default -> {
        // acks, peer bandwidth and shared objects need no answer
      }
    }
  }

  /** Answers a ping request; other user control events need no answer. */
  private void userControl(byte[] p) {
    if (p.length >= 6 && ((p[0] << 8) | (p[1] & 0xFF)) == MessageType.UC_PING_REQUEST) {
      net.writeAndFlush(net.userControl(MessageType.UC_PING_RESPONSE, readInt(p, 2)));
    }
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }
}
