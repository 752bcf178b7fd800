package dev.parley.live;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.net.TlsSupport;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.core.time.Cancellable;
import dev.parley.live.control.AccessControl;
import dev.parley.live.control.AccessSettings;
import dev.parley.live.edge.ClusterStreams;
import dev.parley.live.flv.FlvRecorder;
import dev.parley.live.flv.HttpFlvPlayer;
import dev.parley.live.hls.HlsService;
import dev.parley.live.hls.HlsSettings;
import dev.parley.live.rtmp.RtmpPipeline;
import dev.parley.live.rtmp.RtmpSettings;
import dev.parley.live.stream.LiveMetrics;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamSettings;
import dev.parley.live.stream.Viewer;
import dev.parley.live.web.LivePage;
import dev.parley.live.web.PlayRoutes;
import dev.parley.live.web.StreamsApi;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live streaming system: RTMP on 1935 (publish and play), HTTP-FLV and HLS on the HTTP port,
 * the player page, recording, access control and stats.
 */
public final class LiveModule implements ParleyModule {
  private StreamHub hub;
  private HlsService hls;
  private FlvRecorder recorder;
  private Cancellable sweeper = Cancellable.NONE;
  private ChannelGroup connections;
  private ClusterStreams cluster;

  @Override
  public String name() {
    return "live";
  }

  @Override
  public int order() {
    return 400;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LiveKeys.all();
  }

  @Override
  public void start(ServerContext ctx) {
    Config c = ctx.config();
    connections = new DefaultChannelGroup("live",
        GlobalEventExecutor.INSTANCE);
    long queue = c.get(LiveKeys.VIEWER_QUEUE);
    hub = new StreamHub(new StreamSettings(c.get(LiveKeys.GOP_CACHE), c.get(LiveKeys.GOP_MAX_FRAMES),
        c.get(LiveKeys.GOP_MAX_BYTES), queue, c.get(LiveKeys.TAKEOVER), c.get(LiveKeys.TAKEOVER_IDLE),
        c.get(LiveKeys.MAX_STREAMS), c.get(LiveKeys.MERGE_WRITES), c.get(LiveKeys.RECONNECT_GRACE),
        c.get(LiveKeys.VIEWER_STALL_TIMEOUT)), new LiveMetrics(ctx.metrics()), ctx.time(),
        ctx.eventLoops().group().next());
    AccessSettings as;
    try {
      as = new AccessSettings(c.get(LiveKeys.LOOPBACK_OPEN), c.get(LiveKeys.PUBLISH_OPEN), c.get(LiveKeys.PLAY_OPEN),
          AccessSettings.parseKeys(c.get(LiveKeys.PUBLISH_KEYS)), AccessSettings.parseKeys(c.get(LiveKeys.PLAY_KEYS)),
          uri(c, LiveKeys.ON_PUBLISH), uri(c, LiveKeys.ON_PLAY), uri(c, LiveKeys.ON_DONE), c.get(LiveKeys.HOOK_TIMEOUT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("live.auth: " + e.getMessage());
    }
    AccessControl access = new AccessControl(as, ctx.tokens(), ctx.time(), ctx.eventLoops().group().next());

    if (c.get(LiveKeys.HLS)) {
      hls = new HlsService(new HlsSettings(ctx.dataDir().resolve("hls"), c.get(LiveKeys.HLS_SEGMENT),
          c.get(LiveKeys.HLS_WINDOW), c.get(LiveKeys.HLS_LINGER)), ctx.blocking(), ctx.time());
      hub.addSink(hls);
      sweeper = ctx.time().every(ctx.eventLoops().group().next(), hls::sweep, Duration.ofSeconds(1));
    }
    if (c.get(LiveKeys.RECORD)) {
      Path dir = c.get(LiveKeys.RECORD_DIR) != null ? c.get(LiveKeys.RECORD_DIR) : ctx.dataDir().resolve("recordings");
      recorder = new FlvRecorder(dir, ctx.blocking(), ctx.time());
      hub.addSink(recorder);
    }

    RtmpSettings rs = new RtmpSettings(c.get(LiveKeys.CHUNK_SIZE), Math.toIntExact(c.get(LiveKeys.MAX_MESSAGE)),
        c.get(LiveKeys.HANDSHAKE_TIMEOUT), c.get(LiveKeys.IDLE_TIMEOUT), c.get(LiveKeys.PING_INTERVAL),
        c.get(LiveKeys.ACK_WINDOW), c.get(LiveKeys.WAIT_FOR_PUBLISHER), queue);
    ctx.listen(new TcpListener("rtmp", LiveKeys.RTMP.settings(c), new RtmpPipeline(rs, hub, access, connections,
        ctx.time())));

    NodeBus bus = ctx.services().first(NodeBus.class).orElse(null);
    if (bus != null) {
      // The nodes share one config: when this node's RTMP is RTMPS, so is the origin's it pulls from.
      SslContext pullTls = LiveKeys.RTMP.settings(c).tls() ? TlsSupport.clientContext(c.get(CoreKeys.TLS_CERT)) : null;
      cluster = new ClusterStreams(bus, hub, ctx.tokens(), () -> advertise(ctx), c.get(LiveKeys.CLUSTER_EDGE_IDLE),
          rs.maxMessageSize(), hls == null ? k -> 0 : hls::viewers, ctx.eventLoops().group(),
          ctx.eventLoops().socketChannel(), pullTls);
      cluster.start(ctx.eventLoops().group().next());
    }

    HttpFlvPlayer flv = c.get(LiveKeys.HTTP_FLV) ? new HttpFlvPlayer(hub, access, queue,
        c.get(LiveKeys.WAIT_FOR_PUBLISHER), connections) : null;
    new PlayRoutes(access, flv, hls, hub.upstream(), ctx.blocking()).register(ctx.http());
    StreamsApi api = new StreamsApi(hub, hls, ctx.tokens(), c.get(CoreKeys.TOKEN_MAX_TTL), ctx.time(),
        bus == null ? null : bus.nodeId());
    api.register(ctx.http(), ctx.adminAuth(), c.get(LiveKeys.PAGE));
    if (c.get(LiveKeys.PAGE)) {
      new LivePage(() -> ctx.boundPort("rtmp")).register(ctx.http());
    }
    metrics(ctx.metrics());
    ctx.services().register(StatsContributor.class, new StatsContributor() {
      @Override
      public String section() {
        return "live";
      }

      @Override
      public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streams", hub.live().size());
        m.put("list", hub.live().stream().map(s -> api.describe(s, true)).toList());
        return m;
      }
    });
  }

  private void metrics(MeterRegistry r) {
    Gauge.builder("parley.live.streams", hub, h -> h.live().size()).description("Streams with a publisher")
        .register(r);
    for (Viewer.Protocol p : Viewer.Protocol.values()) {
      Gauge.builder("parley.live.viewers", hub, h -> {
        int n = 0;
        for (LiveStream s : h.all()) {
          n += s.viewers(p);
        }
        return n;
      }).tag("protocol", p.name().toLowerCase(Locale.ROOT)).description("Viewers playing now").register(r);
    }
    if (hls != null) {
      Gauge.builder("parley.live.viewers", hub, h -> {
        int n = 0;
        for (LiveStream s : h.all()) {
          n += hls.viewers(s.key());
        }
        return n;
      }).tag("protocol", "hls").description("Viewers playing now").register(r);
    }
  }

  /**
   * Where the other nodes pull this node's streams: {@code live.cluster.advertise}, else the RTMP
   * listener; {@code host:port}, behind {@code rtmps://} when the listener takes TLS only.
   */
  static String advertise(ServerContext ctx) {
    return (LiveKeys.RTMP.settings(ctx.config()).tls() ? ClusterStreams.RTMPS : "") + address(ctx);
  }

  private static String address(ServerContext ctx) {
    String configured = ctx.config().get(LiveKeys.CLUSTER_ADVERTISE);
    int port = ctx.boundPort("rtmp");
    if (configured != null && !configured.isBlank()) {
      String a = configured.trim();
      return a.lastIndexOf(':') > a.lastIndexOf(']') ? a : a + ":" + port;
    }
    String host = LiveKeys.RTMP.settings(ctx.config()).host();
    if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      host = ctx.self().host();
    }
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static URI uri(Config c, ConfigKey<String> key) {
    String v = c.get(key);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      URI u = URI.create(v.trim());
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.name() + ": " + v + " is not an http(s) URL");
    }
  }

  /** Closes every RTMP connection and HTTP-FLV response: publishers and players reconnect to another node. */
  @Override
  public void drain() {
    if (connections != null) {
      connections.close().awaitUninterruptibly(2000);
    }
  }

  @Override
  public void stop() {
    sweeper.cancel();
    if (cluster != null) {
      cluster.stop();
    }
    if (recorder != null) {
      recorder.closeAll();
    }
    if (hls != null) {
      hls.deleteAll();
    }
  }
}
