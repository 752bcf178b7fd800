package dev.parley.core.net;

/**
 * The names of the handlers parley-core puts in pipelines. A handler that is added, removed,
 * replaced or looked up by name is named here, once. Modules name their own handlers in their
 * own constants classes.
 *
 * <p>The order of every pipeline, first (nearest the socket) to last; parentheses mark handlers
 * that are there only when configured:
 *
 * <pre>
 * every TCP listener ({@link ListenerInitializer}):
 *   (ip-limit)            IpConnectionLimiter, when the listener caps connections per IP: counts
 *                         the connection when it opens, then leaves (or closes it, over the cap)
 *   (tls)                 SslHandler, when the listener has TLS on
 *   ...                   the listener's own handlers, added by TcpListener.initializer():
 *                         IM's, MQTT's, RTMP's, TURN's, or the HTTP listener's below
 *   quiet-exceptions      QuietExceptionHandler: last, always
 *
 * the HTTP listener's own handlers (HttpPipeline):
 *   http-codec            HttpServerCodec (header size limits)
 *   (http-idle)           IdleStateHandler (http.idle-timeout); removed once a response streams
 *   http-idle-closer      closes the connection when http-idle fires
 *   http-body-streamer    BodyStreamer: the bodies of streamed routes (uploads) go to their
 *                         handlers as they arrive; every other request passes on
 *   http-aggregator       HttpObjectAggregator (http.max-request-size)
 *   http-chunked          ChunkedWriteHandler, for streamed responses
 *   http-dispatcher       HttpDispatcher: routes each request, upgrades WebSockets
 *
 * after a WebSocket upgrade (HttpPipeline.upgrade):
 *   (tls)
 *   wsencoder wsdecoder   the frame codec (http-body-streamer removed); Netty's handshaker names them and removes
 *                         http-aggregator, then http-codec once the 101 answer is written
 *   ws-aggregator         WebSocketFrameAggregator (the endpoint's message limit)
 *   ws-control            answers ping and close, closes on an oversize or corrupt frame
 *   ...                   the endpoint's handlers, added by WebSocketEndpoint.configure():
 *                         IM's, MQTT's
 *   quiet-exceptions      moved back to the end
 *
 * HTTP-FLV playback (parley-live) takes a connection over once its response head is written:
 * http-codec is replaced by its own handler, http-chunked, http-aggregator and http-dispatcher go.
 * </pre>
 *
 * <p>{@code PipelineOrderTest} (parley-core's tests) checks these orders.
 */
public final class ChannelHandlerNames {
  /** {@link IpConnectionLimiter}: first, so a connection over the cap costs no TLS handshake. */
  public static final String IP_LIMIT = "ip-limit";
  /** The listener's {@code SslHandler}. */
  public static final String TLS = "tls";
  /** {@link QuietExceptionHandler}: last in every pipeline. */
  public static final String QUIET_EXCEPTIONS = "quiet-exceptions";

  /** {@code HttpServerCodec}. */
  public static final String HTTP_CODEC = "http-codec";
  /** {@code HttpObjectAggregator}: whole requests, up to {@code http.max-request-size}. */
  public static final String HTTP_AGGREGATOR = "http-aggregator";
  /** {@code BodyStreamer}: request bodies of streamed routes, as they arrive. */
  public static final String HTTP_BODY_STREAMER = "http-body-streamer";
  /** {@code IdleStateHandler} of {@code http.idle-timeout}. */
  public static final String HTTP_IDLE = "http-idle";
  /** Closes the connection on {@link #HTTP_IDLE}'s event. */
  public static final String HTTP_IDLE_CLOSER = "http-idle-closer";
  /** {@code ChunkedWriteHandler}. */
  public static final String HTTP_CHUNKED = "http-chunked";
  /** {@code HttpDispatcher}: the HTTP listener's router. */
  public static final String HTTP_DISPATCHER = "http-dispatcher";

  /** {@code WebSocketFrameAggregator}: whole WebSocket messages, up to the endpoint's limit. */
  public static final String WS_AGGREGATOR = "ws-aggregator";
  /** Ping, close and broken frames of every WebSocket endpoint. */
  public static final String WS_CONTROL = "ws-control";

  private ChannelHandlerNames() {}
}
