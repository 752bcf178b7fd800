package dev.parley.live;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.live.stream.Takeover;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Configuration keys of the live module (prefix {@code live.}). */
final class LiveKeys {
  private LiveKeys() {}

  public static final ListenerKeys RTMP = new ListenerKeys("live.rtmp", "RTMP", 1935, 100);
  public static final ConfigKey<Integer> CHUNK_SIZE = ConfigKey.integer("live.rtmp.chunk-size", 60_000, 4096,
      16_777_215, "Our outgoing RTMP chunk size. Larger chunks mean fewer headers per frame; every client since "
          + "Flash handles large ones.");
  public static final ConfigKey<Long> MAX_MESSAGE = ConfigKey.size("live.rtmp.max-message-size", 16L << 20, 64 * 1024,
      16L << 20, "Largest RTMP message (and chunk size) a client may send: bounds what one connection can make us "
          + "buffer; a 4K keyframe fits in a few MiB.");
  public static final ConfigKey<Duration> HANDSHAKE_TIMEOUT = ConfigKey.duration("live.rtmp.handshake-timeout",
      Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5),
      "Time from TCP accept to publish or play; frees slots held by clients that never get going.");
  public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("live.rtmp.idle-timeout",
      Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofHours(1),
      "An RTMP connection that sends nothing (no media, no ping answer) for this long is closed.");
  public static final ConfigKey<Duration> PING_INTERVAL = ConfigKey.duration("live.rtmp.ping-interval",
      Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10),
      "How often the server pings RTMP clients; their answers show a quiet player is still there.");
  public static final ConfigKey<Integer> ACK_WINDOW = ConfigKey.integer("live.rtmp.ack-window", 2_500_000, 4096,
      Integer.MAX_VALUE, "Acknowledgement window and peer bandwidth announced to RTMP clients.");

  public static final ConfigKey<Boolean> GOP_CACHE = ConfigKey.bool("live.gop-cache.enabled", true,
      "New viewers get the frames since the last keyframe at once (fast start); off for the lowest latency.");
  public static final ConfigKey<Integer> GOP_MAX_FRAMES = ConfigKey.integer("live.gop-cache.max-frames", 1024, 16,
      100_000, "Frames the GOP cache holds at most; a longer GOP is not cached (viewers wait for a keyframe).");
  public static final ConfigKey<Long> GOP_MAX_BYTES = ConfigKey.size("live.gop-cache.max-bytes", 16L << 20, 64 * 1024,
      1L << 30, "Bytes the GOP cache of one stream holds at most; bounds memory per stream.");
  public static final ConfigKey<Long> VIEWER_QUEUE = ConfigKey.size("live.viewer.max-queue", 8L << 20, 64 * 1024,
      1L << 30, "Bytes queued for one viewer before it drops video to the next keyframe. Queued frames are shared "
          + "with every other viewer, so this bounds lag, not copies.");
  public static final ConfigKey<Duration> MERGE_WRITES = ConfigKey.duration("live.viewer.merge-writes",
      Duration.ofMillis(50), Duration.ZERO, Duration.ofSeconds(1), "How long frames may wait to go to viewers in one "
          + "write: fewer system calls per viewer (more viewers per core) for that much more latency; 0 writes each "
          + "frame at once (0ms). A new viewer's first frames are never held.");
  public static final ConfigKey<Duration> VIEWER_STALL_TIMEOUT = ConfigKey.duration("live.viewer.stall-timeout",
      Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofHours(1), "A viewer (RTMP or HTTP-FLV) whose "
          + "connection takes not one byte of what waits for it for this long is closed: a player that stopped "
          + "reading would otherwise hold its connection and its place in the viewer counts forever.");
  public static final ConfigKey<Boolean> WAIT_FOR_PUBLISHER = ConfigKey.bool("live.play.wait-for-publisher", true,
      "A player of a stream nobody publishes yet waits for it (true) or is told it is not found (false).");
  public static final ConfigKey<Takeover> TAKEOVER = ConfigKey.choice("live.publish.takeover", Takeover.class,
      Takeover.IDLE, "A second publisher of a live stream: off (refused), idle (takes over when the current one "
          + "has sent nothing for live.publish.takeover-idle: a publisher reconnecting) or always.");
  public static final ConfigKey<Duration> TAKEOVER_IDLE = ConfigKey.duration("live.publish.takeover-idle",
      Duration.ofSeconds(3), Duration.ZERO, Duration.ofMinutes(5),
      "How long the current publisher must have been silent for an idle takeover.");
  public static final ConfigKey<Duration> RECONNECT_GRACE = ConfigKey.duration("live.publish.reconnect-grace",
      Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10),
      "How long a stream whose publisher left waits for it to come back: players (RTMP, HTTP-FLV, HLS) go on "
          + "through an encoder's reconnect within it; past it RTMP players get UnpublishNotify, HTTP-FLV "
          + "responses end and the HLS playlist gets its end tag.");
  public static final ConfigKey<Integer> MAX_STREAMS = ConfigKey.integer("live.max-streams", 1000, 1, 1_000_000,
      "Streams (published or waited for) that may exist at once.");

  public static final ConfigKey<Boolean> HTTP_FLV = ConfigKey.bool("live.http-flv.enabled", true,
      "Serve /{app}/{stream}.flv on the HTTP port.");
  public static final ConfigKey<Boolean> HLS = ConfigKey.bool("live.hls.enabled", true,
      "Serve /{app}/{stream}.m3u8 on the HTTP port (segments under <data.dir>/hls).");
  public static final ConfigKey<Duration> HLS_SEGMENT = ConfigKey.duration("live.hls.segment-duration",
      Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(60),
      "HLS target duration: segments are cut at the first keyframe after this much media.");
  public static final ConfigKey<Integer> HLS_WINDOW = ConfigKey.integer("live.hls.window", 6, 2, 1000,
      "Segments listed in an HLS playlist; one that leaves it is deleted after its duration plus the playlist's "
          + "(RFC 8216 6.2.2: a player or cache that just read the playlist can still fetch it).");
  public static final ConfigKey<Duration> HLS_LINGER = ConfigKey.duration("live.hls.linger", Duration.ofSeconds(60),
      Duration.ZERO, Duration.ofDays(1), "How long an ended stream's playlist and segments stay before deletion.");

  public static final ConfigKey<Boolean> RECORD = ConfigKey.bool("live.record.enabled", false,
      "Record every published stream to an FLV file under live.record.dir.");
  public static final ConfigKey<Path> RECORD_DIR = ConfigKey.path("live.record.dir", null,
      "Where recordings go (<app>/<stream>-<UTC time>.flv); unset: <data.dir>/recordings.");

  public static final ConfigKey<Boolean> LOOPBACK_OPEN = ConfigKey.bool("live.auth.loopback-open", true,
      "Clients on this machine publish and play without a key or token (like dev login).");
  public static final ConfigKey<Boolean> PUBLISH_OPEN = ConfigKey.bool("live.auth.publish-open", false,
      "Anyone may publish without a key or token (leave the decision to live.hooks.on-publish).");
  public static final ConfigKey<Boolean> PLAY_OPEN = ConfigKey.bool("live.auth.play-open", false,
      "Anyone may play without a key or token.");
  public static final ConfigKey<List<String>> PUBLISH_KEYS = ConfigKey.list("live.auth.publish-keys", List.of(),
      "Stream keys for publishing, as app/stream=key or app/*=key; given as ?key= after the stream name.");
  public static final ConfigKey<List<String>> PLAY_KEYS = ConfigKey.list("live.auth.play-keys", List.of(),
      "Stream keys for playing, as app/stream=key or app/*=key.");
  public static final ConfigKey<String> ON_PUBLISH = ConfigKey.string("live.hooks.on-publish", null,
      "URL POSTed (JSON) before a publish; a 2xx answer allows it.");
  public static final ConfigKey<String> ON_PLAY = ConfigKey.string("live.hooks.on-play", null,
      "URL POSTed (JSON) before a play; a 2xx answer allows it.");
  public static final ConfigKey<String> ON_DONE = ConfigKey.string("live.hooks.on-done", null,
      "URL POSTed (JSON) when a publish or play ends.");
  public static final ConfigKey<Duration> HOOK_TIMEOUT = ConfigKey.duration("live.hooks.timeout",
      Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMinutes(1),
      "How long a callback may take; past it the request is refused.");
  public static final ConfigKey<String> CLUSTER_ADVERTISE = ConfigKey.string("live.cluster.advertise", null,
      "In a cluster: this node's RTMP address as the other nodes reach it to pull its streams (host or host:port); "
          + "unset: the RTMP listener's host (or this machine's name when it listens on every address) and its port.");
  public static final ConfigKey<Duration> CLUSTER_EDGE_IDLE = ConfigKey.duration("live.cluster.edge-idle",
      Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10), "In a cluster: how long this node keeps pulling a "
          + "stream from the node publishing it after its last viewer here left (a reload finds it still running).");
  public static final ConfigKey<Boolean> PAGE = ConfigKey.bool("live.page.enabled", true,
      "Serve the player page at /live and its public list of live streams.");

  /** Every key. */
  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>(RTMP.all());
    keys.addAll(List.of(CHUNK_SIZE, MAX_MESSAGE, HANDSHAKE_TIMEOUT, IDLE_TIMEOUT, PING_INTERVAL, ACK_WINDOW, GOP_CACHE,
        GOP_MAX_FRAMES, GOP_MAX_BYTES, VIEWER_QUEUE, MERGE_WRITES, VIEWER_STALL_TIMEOUT, WAIT_FOR_PUBLISHER, TAKEOVER,
        TAKEOVER_IDLE, RECONNECT_GRACE, MAX_STREAMS, HTTP_FLV, HLS, HLS_SEGMENT, HLS_WINDOW, HLS_LINGER, RECORD, RECORD_DIR, LOOPBACK_OPEN,
        PUBLISH_OPEN, PLAY_OPEN, PUBLISH_KEYS, PLAY_KEYS, ON_PUBLISH, ON_PLAY, ON_DONE, HOOK_TIMEOUT, PAGE,
        CLUSTER_ADVERTISE, CLUSTER_EDGE_IDLE));
    return keys;
  }
}
