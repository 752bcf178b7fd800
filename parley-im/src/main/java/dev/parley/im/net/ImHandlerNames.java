package dev.parley.im.net;

/**
 * The names of IM's handlers in a channel pipeline, and where they sit. {@link ImTransports}
 * adds them; parley-core adds the handlers around them.
 *
 * <p>TCP (listener {@code im-tcp}), in order from the socket, once the connection is open:
 *
 * <pre>
 *   tls                 core, when im.tcp.tls is on
 *   im-decoder          {@link #DECODER}: varint framing, then protobuf (ImFrameDecoder)
 *   im-connection       {@link #CONNECTION}: the connection and its session (ImConnection)
 *   quiet-exceptions    core, always last
 * </pre>
 *
 * <p>WebSocket ({@code ws://host:8080/im} on the HTTP listener). The HTTP pipeline
 * ({@code http-codec, http-aggregator, http-idle, http-idle-closer, http-chunked,
 * http-dispatcher}) turns into this one when the upgrade is accepted: the HTTP-only handlers
 * leave, Netty's handshaker puts its WebSocket codec where the HTTP codec was, core adds its
 * WebSocket handlers, then IM's endpoint adds its own and core moves {@code quiet-exceptions} back
 * to the end:
 *
 * <pre>
 *   tls                 core, when http.tls is on
 *   wsencoder           Netty (WebSocket frame encoder)
 *   im-ws-too-large     {@link #WS_TOO_LARGE}: inserted before the frame decoder, so it sees the
 *                       close (1009) the decoder writes for an oversize message and writes IM's
 *                       Error first (ImWebSocketTooLarge)
 *   wsdecoder           Netty (WebSocket frame decoder)
 *   ws-aggregator       core: whole messages, at most im.max-frame-size
 *   ws-control          core: ping, pong and close
 *   im-ws-inbound       {@link #WS_INBOUND}: binary (protobuf) or text (JSON) messages to frames
 *   im-connection       {@link #CONNECTION}
 *   quiet-exceptions    core, always last
 * </pre>
 *
 * <p>Core's {@code ip-limit} (the per-address connection cap) is first in both while a connection
 * opens and removes itself once it has counted it. Nothing is added to either pipeline later; the
 * pipeline's own tail context follows {@code quiet-exceptions}. Outbound, the connection writes
 * encoded buffers (TCP) or WebSocket messages itself, so no IM encoder sits in either pipeline.
 */
final class ImHandlerNames {
  static final String DECODER = "im-decoder";
  static final String WS_INBOUND = "im-ws-inbound";
  static final String CONNECTION = "im-connection";
  static final String WS_TOO_LARGE = "im-ws-too-large";

  private ImHandlerNames() {}
}
