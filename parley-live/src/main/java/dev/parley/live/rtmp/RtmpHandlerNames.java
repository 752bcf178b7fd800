package dev.parley.live.rtmp;

/**
 * The names of the handlers in an RTMP connection's pipeline, built by {@link RtmpPipeline}. The
 * final order, head (socket) to tail:
 *
 * <pre>
 *   ip-limit          core, unless live.rtmp.max-connections-per-ip is 0: per-address connection cap
 *   tls               core, when live.rtmp.tls is on
 *   rtmp-idle         {@link #IDLE}: fires an idle event when nothing was read for live.rtmp.idle-timeout
 *   rtmp-handshake    {@link #HANDSHAKE}: C0+C1 / S0+S1+S2 / C2; removes itself when done
 *   rtmp-chunks       {@link #CHUNKS}: chunk stream to messages; inserted after rtmp-handshake when the
 *                     handshake is done (the decoder exists from the start: the connection counts its bytes)
 *   rtmp-connection   {@link #CONNECTION}: control messages, commands, publishing and playing
 *   quiet-exceptions  core: the last exception handler
 * </pre>
 *
 * <p>Nothing is added later. Outbound there are no handlers: messages are encoded into chunks
 * before they are written ({@link RtmpMessages}, and frames shared by every viewer).
 */
final class RtmpHandlerNames {
  static final String IDLE = "rtmp-idle";
  static final String HANDSHAKE = "rtmp-handshake";
  static final String CHUNKS = "rtmp-chunks";
  static final String CONNECTION = "rtmp-connection";

  private RtmpHandlerNames() {}
}
