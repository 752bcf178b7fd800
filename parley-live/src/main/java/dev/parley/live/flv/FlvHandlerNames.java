package dev.parley.live.flv;

import dev.parley.core.net.ChannelHandlerNames;

/**
 * The HTTP-FLV response's pipeline. A request arrives on core's HTTP pipeline (names in {@link ChannelHandlerNames});
 * once the access check passes, {@link HttpFlvPlayer} writes the response head through the HTTP
 * codec and turns the connection into a raw stream of pre-framed HTTP chunks. Head to tail:
 *
 * <pre>
 *   before                         after
 *   ip-limit, tls (core)           ip-limit, tls (core)
 *   http-codec                     flv-discard ({@link #DISCARD}, in http-codec's place: input is dropped)
 *   http-idle                      (removed by HttpExchange.startStreaming: a player may sit quiet)
 *   http-idle-closer               http-idle-closer
 *   http-body-streamer             (removed)
 *   http-aggregator                (removed)
 *   http-chunked                   (removed before the head is written: frames are written as they are)
 *   http-dispatcher                (removed)
 *   quiet-exceptions (core)        quiet-exceptions (core)
 * </pre>
 */
final class FlvHandlerNames {
  /** Drops whatever the player sends once the response streams. */
  static final String DISCARD = "flv-discard";

  private FlvHandlerNames() {}
}
