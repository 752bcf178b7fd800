package dev.parley.live.web;

import dev.parley.core.auth.TokenService;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.core.time.TimeSource;
import dev.parley.live.control.AccessControl;
import dev.parley.live.hls.HlsService;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamStats;
import dev.parley.live.stream.Upstream;
import dev.parley.live.stream.Viewer;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/streams} (admin): every live stream with codecs, resolution, measured bitrate
 * and frame rate, the publisher and viewers per protocol; {@code POST /api/v1/live/tokens}
 * (admin): a token that lets its holder publish and/or play streams; and the public list behind
 * the player page, {@code GET /live/streams.json} (names and codecs only).
 */
public final class StreamsApi {
  private final StreamHub hub;
  private final HlsService hls;
  private final TokenService tokens;
  private final Duration maxTtl;
  private final TimeSource time;
  private final String nodeId;

  /** {@code nodeId} is this node's in a cluster (the list then covers every node), null on a server of its own. */
  public StreamsApi(StreamHub hub, HlsService hls, TokenService tokens, Duration maxTtl, TimeSource time,
      String nodeId) {
    this.nodeId = nodeId;
    this.hub = hub;
    this.hls = hls;
    this.tokens = tokens;
    this.maxTtl = maxTtl;
    this.time = time;
  }

  public void register(HttpRouter router, AdminAuth admin, boolean publicList) {
    router.get("/api/v1/streams", admin.require(this::list));
    router.post("/api/v1/live/tokens", admin.require(this::mint));
    if (publicList) {
      router.get("/live/streams.json", this::publicList);
    }
  }

  private void list(HttpExchange ex) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LiveStream s : hub.live()) {
      Map<String, Object> m = describe(s, true);
      if (nodeId != null) {
        m.put("node", nodeId);
        m.put("edge", s.publisher() != null && s.publisher().edge());
      }
      out.add(m);
    }
    if (nodeId == null) {
      ex.respondJson(HttpResponseStatus.OK, Map.of("streams", out));
      return;
    }
    // In a cluster: the streams the other nodes publish too, as they hold them on the bus.
    hub.upstream().elsewhere().whenComplete((remote, err) -> ex.channel().eventLoop().execute(() -> {
      Map<String, Object> body = new LinkedHashMap<>();
      if (remote != null) {
        for (Upstream.RemoteStream r : remote) {
          out.add(Map.of("app", r.app(), "name", r.name(), "node", r.node(), "address", r.address()));
        }
      }
      body.put("streams", out);
      body.put("partial", err != null);
      ex.respondJson(HttpResponseStatus.OK, body);
    }));
  }

  private void publicList(HttpExchange ex) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LiveStream s : hub.live()) {
      out.add(describe(s, false));
    }
    ex.respondJson(HttpResponseStatus.OK, Map.of("streams", out, "hls", hls != null));
  }

  /** One stream as the API shows it. */
  public Map<String, Object> describe(LiveStream s, boolean full) {
    StreamStats st = s.stats();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", s.app());
    m.put("name", s.name());
    Map<String, Object> video = new LinkedHashMap<>();
    video.put("codec", st.videoCodec());
    video.put("width", st.width());
    video.put("height", st.height());
    video.put("frameRate", Math.round(st.frameRate() * 100) / 100.0);
    m.put("video", st.videoCodec() == null ? null : video);
    Map<String, Object> audio = new LinkedHashMap<>();
    audio.put("codec", st.audioCodec());
    audio.put("sampleRate", st.sampleRate());
    audio.put("channels", st.channels());
    m.put("audio", st.audioCodec() == null ? null : audio);
    if (full) {
      m.put("bitrateKbps", Math.round(st.bitrateKbps()));
      Map<String, Object> pub = new LinkedHashMap<>();
      pub.put("address", st.publisherAddress());
      pub.put("protocol", "rtmp");
      pub.put("since", Instant.ofEpochMilli(st.publishStartedMillis()).toString());
      m.put("publisher", pub);
      Map<String, Object> viewers = new LinkedHashMap<>();
      viewers.put("rtmp", s.viewers(Viewer.Protocol.RTMP));
      viewers.put("flv", s.viewers(Viewer.Protocol.FLV));
      viewers.put("hls", hls == null ? 0 : hls.viewers(s.key()));
      m.put("viewers", viewers);
    }
    return m;
  }

  private void mint(HttpExchange ex) {
    JsonNode body = ex.json();
    String userId = body.path("userId").asText("live");
    List<String> publish = strings(body.get("publish"));
    List<String> play = strings(body.get("play"));
    if (publish.isEmpty() && play.isEmpty()) {
      throw ApiException.badRequest("give publish and/or play: a stream (app/name), app/* or *, or a list of them");
    }
    Duration ttl = body.has("ttlSeconds") ? Duration.ofSeconds(body.path("ttlSeconds").asLong(-1)) : Duration.ofHours(1);
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
      throw ApiException.badRequest("ttlSeconds must be between 1 and " + maxTtl.toSeconds());
    }
    String token;
    try {
      token = tokens.mint(userId, ttl, AccessControl.claims(publish, play));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    ex.respondJson(HttpResponseStatus.OK, Map.of("token", token, "expiresAt", time.now().plus(ttl).toString()));
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(e -> out.add(e.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }
}
