package dev.parley.rtc.net;

import static dev.parley.rtc.turn.TurnHandlerNames.TCP_CONNECTION;
import static dev.parley.rtc.turn.TurnHandlerNames.TCP_FRAMES;

import dev.parley.rtc.turn.TurnServer;
import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * Builds a STUN/TURN TCP or TLS connection's pipeline, the one place that does: framing, then the
 * connection. See {@link dev.parley.rtc.turn.TurnHandlerNames} for the final order.
 */
public final class TcpTurnPipeline implements Consumer<Channel> {
  /** Largest TCP frame: a STUN message or ChannelData frame carries at most 65535 bytes after its header. */
  static final int MAX_TCP_FRAME = 0xFFFF + 20;

  private final TurnServer server;
  private final String transport;
  private final long handshakeTimeoutMillis;
  private final long idleTimeoutMillis;

  /**
   * @param transport "tcp" or "tls", for logs
   * @param handshakeTimeoutMillis a connection with no allocation this long after connecting is closed
   * @param idleTimeoutMillis a connection with no allocation and nothing read for this long is closed
   */
  public TcpTurnPipeline(TurnServer server, String transport, long handshakeTimeoutMillis, long idleTimeoutMillis) {
    this.server = server;
    this.transport = transport;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  @Override
  public void accept(Channel ch) {
    ch.pipeline()
        .addLast(TCP_FRAMES, new StunFrameDecoder(MAX_TCP_FRAME))
        .addLast(TCP_CONNECTION, new TcpServerHandler(server, transport, handshakeTimeoutMillis, idleTimeoutMillis));
  }
}
