package dev.parley.live.flv;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.net.ChannelHandlerNames;
import dev.parley.live.control.AccessControl;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamHub;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Starts HTTP-FLV playback on an HTTP exchange: writes the response head through the HTTP codec,
 * then takes the HTTP handlers out of the pipeline so the frames' pre-framed chunks go to the
 * socket as they are.
 */
public final class HttpFlvPlayer {
  private final StreamHub hub;
  private final AccessControl access;
  private final long queueBytes;
  private final boolean waitForPublisher;

  private final ChannelGroup connections;

  /** {@code connections} collects every HTTP-FLV response's channel (closed on drain). */
  public HttpFlvPlayer(StreamHub hub, AccessControl access, long queueBytes, boolean waitForPublisher,
      ChannelGroup connections) {
    this.connections = connections;
    this.hub = hub;
    this.access = access;
    this.queueBytes = queueBytes;
    this.waitForPublisher = waitForPublisher;
  }

  /** Answers the exchange with the stream; call on the channel's event loop after the access check. */
  public void start(HttpExchange ex, AccessRequest r) {
    LiveStream existing = hub.get(r.app(), r.stream());
    if (waitForPublisher || existing != null && existing.isLive()) {
      play(ex, r);
      return;
    }
    // Not waited for: playable only if published here or (in a cluster) on another node.
    Channel ch = ex.channel();
    hub.upstream().publishedElsewhere(r.app(), r.stream()).whenComplete((yes, err) -> ch.eventLoop().execute(() -> {
      if (!ch.isActive()) {
        return;
      }
      if (Boolean.TRUE.equals(yes)) {
        play(ex, r);
      } else {
        hub.metrics().refused(false);
        ex.respondError(ApiException.notFound("stream " + r.key() + " is not live"));
      }
    }));
  }

  private void play(HttpExchange ex, AccessRequest r) {
    Channel ch = ex.startStreaming();
    connections.add(ch);
    toStream(ch.pipeline(), ex);
    HttpFlvViewer v = new HttpFlvViewer(ch, queueBytes);
    if (!hub.play(r.app(), r.stream(), v)) {
      hub.metrics().refused(false);
      v.end();
      return;
    }
    ch.closeFuture().addListener(f -> {
      if (v.stream() != null) {
        v.stream().leave(v);
      }
      access.done(r);
    });
  }

  /**
   * Writes the response head through the HTTP codec, then takes the HTTP handlers out: from here
   * the body is written pre-framed ({@link FlvHandlerNames} shows the pipeline before and after).
   */
  private static void toStream(ChannelPipeline p, HttpExchange ex) {
    p.remove(ChannelHandlerNames.HTTP_CHUNKED);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    // A player page of another origin may read the stream only if that origin is allowed.
    ex.corsHeaders(head.headers());
    p.channel().write(head);
    p.replace(ChannelHandlerNames.HTTP_CODEC, FlvHandlerNames.DISCARD, DiscardInbound.INSTANCE);
    p.remove(ChannelHandlerNames.HTTP_BODY_STREAMER);
    p.remove(ChannelHandlerNames.HTTP_AGGREGATOR);
    if (p.get(ChannelHandlerNames.HTTP_DISPATCHER) != null) {
      p.remove(ChannelHandlerNames.HTTP_DISPATCHER);
    }
  }
}
