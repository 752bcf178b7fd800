package dev.parley.mqtt.transport;

import dev.parley.core.net.ChannelHandlerNames;

/**
 * The names of the handlers in an MQTT connection's pipeline, the kernel's included. The final
 * order, front (socket) to back:
 *
 * <pre>
 * TCP        ip-limit(1) → mqtt → quiet-exceptions(2)
 * TLS        ip-limit(1) → tls(2) → mqtt → quiet-exceptions(2)
 * WebSocket  [HTTP listener: tls(2)] → wsdecoder/wsencoder(3) → ws-aggregator(4) → ws-control(4)
 *              → mqtt-ws-frames → mqtt → quiet-exceptions(4)
 *
 * (1) added by the kernel when the listener caps connections per IP; it removes itself once the
 *     connection is counted (a connection over the cap is handed to MqttTransport#reject instead)
 * (2) added by the kernel around what MqttPipeline adds: TLS on the mqtts listener, and the last
 *     handler of every pipeline, which logs and closes on exceptions
 * (3) put in place of the HTTP codec by the WebSocket handshake
 * (4) added by the HTTP dispatcher at the handshake, before the endpoint's handlers, and the
 *     quiet handler moved back to the tail after them
 * </pre>
 *
 * Nothing is added later: {@code mqtt} is the whole of the MQTT protocol (framing, encoding,
 * CONNECT, the session), so that an idle connection costs one pipeline entry of its own.
 */
final class MqttHandlerNames {
  /** The MQTT handler: {@link MqttChannelHandler}. */
  static final String MQTT = "mqtt";
  /** WebSocket only: binary frames to bytes and back ({@link WebSocketFrames}). */
  static final String WS_FRAMES = "mqtt-ws-frames";
  /** The kernel's, for reference. */
  static final String IP_LIMIT = "ip-limit";
  static final String TLS = "tls";
  static final String WS_AGGREGATOR = ChannelHandlerNames.WS_AGGREGATOR;
  static final String WS_CONTROL = ChannelHandlerNames.WS_CONTROL;
  static final String QUIET_EXCEPTIONS = ChannelHandlerNames.QUIET_EXCEPTIONS;

  private MqttHandlerNames() {}
}
