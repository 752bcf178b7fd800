package dev.parley.core.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.List;

/**
 * A WebSocket endpoint on the HTTP listener. After the handshake the pipeline holds the WebSocket
 * frame codec, an aggregator of fragmented messages (up to {@link #maxMessageBytes()}) and the
 * control-frame handler (ping answered with pong, close answered and the channel closed); the
 * endpoint adds its handlers, which receive whole {@code TextWebSocketFrame}s,
 * {@code BinaryWebSocketFrame}s and {@code PongWebSocketFrame}s.
 */
public interface WebSocketEndpoint {
  /** Subprotocols offered ("mqtt"); empty for none. */
  default List<String> subprotocols() {
    return List.of();
  }

  /** Whether a handshake must name one of {@link #subprotocols()} (MQTT requires it). */
  default boolean subprotocolRequired() {
    return false;
  }

  /** Largest accepted message; larger ones close the connection with 1009 (message too big). */
  int maxMessageBytes();

  /**
   * Adds the endpoint's handlers to {@code channel}'s pipeline with {@code addLast}; runs on its
   * event loop right after the handshake.
   *
   * @param handshake the upgrade request (headers, URI, query parameters); released after this call
   * @param subprotocol the subprotocol agreed on, or null
   */
  void configure(Channel channel, FullHttpRequest handshake, String subprotocol);
}
