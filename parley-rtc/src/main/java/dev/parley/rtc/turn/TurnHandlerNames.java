package dev.parley.rtc.turn;

/**
 * The names of the handlers in the STUN/TURN server's pipelines, and their final order, head
 * (socket) to tail. Each pipeline is built in one place, named below; nothing is added later.
 *
 * <pre>
 *   TCP and TLS connection (dev.parley.rtc.net.TcpTurnPipeline, on core's TcpListener)
 *     ip-limit          core, unless the listener's max-connections-per-ip is 0
 *     tls               core, on the TLS listener (and on TCP when rtc.turn.tcp.tls is on)
 *     stun-frames       {@link #TCP_FRAMES}: splits the stream into STUN messages and ChannelData frames
 *     turn              {@link #TCP_CONNECTION}: the connection (its 5-tuple's allocation, timeouts)
 *     quiet-exceptions  core: the last exception handler
 *
 *   UDP listener socket (dev.parley.rtc.net.UdpTurnListener, one per event loop on epoll)
 *     turn-udp          {@link #UDP_LISTENER}: STUN requests and ChannelData of every UDP client
 *
 *   Relay socket, one per allocation ({@link TurnServer}, bound on the client's event loop)
 *     turn-relay        {@link #RELAY}: datagrams from peers to the allocation
 * </pre>
 *
 * <p>No pipeline has outbound handlers: responses, ChannelData and Data indications are encoded
 * before they are written, and relayed packets are flushed once per event-loop iteration
 * ({@link FlushQueue}).
 */
public final class TurnHandlerNames {
  public static final String TCP_FRAMES = "stun-frames";
  public static final String TCP_CONNECTION = "turn";
  public static final String UDP_LISTENER = "turn-udp";
  public static final String RELAY = "turn-relay";

  private TurnHandlerNames() {}
}
