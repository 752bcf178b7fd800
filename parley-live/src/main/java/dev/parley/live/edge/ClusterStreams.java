package dev.parley.live.edge;

import dev.parley.core.auth.TokenService;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.time.Cancellable;
import dev.parley.live.control.AccessControl;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.Publisher;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamSink;
import dev.parley.live.stream.Upstream;
import dev.parley.live.stream.Viewer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of every node, on the {@link NodeBus}. A node publishing a stream (its origin) holds
 * the entry {@value #KEY} / {@code app/name} with its RTMP address for pulling, from the first
 * publish until the stream ends (its reconnect grace passed), and tells the other nodes
 * ({@value #PUBLISHED}). A publish claims the name first ({@link NodeBus#claim}): one of two
 * publishers of a name on two nodes at once is refused, and a claim no publish took is given up
 * after {@code CLAIM_GRACE}. A viewer on this node
 * of a stream published elsewhere makes this node pull it from its origin ({@link EdgePull}), once
 * for all its viewers; when no viewer (RTMP, HTTP-FLV or HLS) has been there for
 * {@code live.cluster.edge-idle}, the pull stops. The pull shows the origin a short-lived token
 * with the {@code edge} claim, signed with the secret the nodes share ({@code auth.jwt.secret}).
 * Any thread.
 */
public final class ClusterStreams implements Upstream, StreamSink {
  /** The key under which each node holds the streams it publishes (field {@code app/name}, value host:port). */
  static final String KEY = "live.streams";
  /** Bus topic: a node started publishing {@code app/name} (the payload), so waiting viewers elsewhere get it. */
  static final String PUBLISHED = "live.published";
  /** Bus topic: a publisher here asks the holder of {@code app/name} (the payload) to let it go. */
  static final String YIELD = "live.yield";
  /** Bus topic: the holder's answer, {@code 1} (let go) or {@code 0} (kept), then {@code app/name}. */
  static final String YIELDED = "live.yielded";
  private static final Logger log = LoggerFactory.getLogger(ClusterStreams.class);
  private static final Duration PULL_DEADLINE = Duration.ofSeconds(10);
  private static final Duration TOKEN_TTL = Duration.ofMinutes(1);
  private static final Duration SWEEP = Duration.ofSeconds(1);
  private static final Duration CLAIM_GRACE = Duration.ofSeconds(10);
  /** How long a publish waits for the holder of its name to answer whether it lets the name go. */
  private static final Duration YIELD_WAIT = Duration.ofSeconds(2);
  /** Before a node's advertised RTMP address: its RTMP listener takes TLS only. */
  public static final String RTMPS = "rtmps://";

  private final NodeBus bus;
  private final StreamHub hub;
  private final TokenService tokens;
  private final Supplier<String> advertise;
  private final Duration idle;
  private final int maxMessage;
  private final ToIntFunction<String> hlsViewers;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelClass;
  private final SslContext pullTls;
  private final Map<String, EdgePull> pulls = new ConcurrentHashMap<>();
  private final Set<String> looking = ConcurrentHashMap.newKeySet();
  /** The streams this node holds as their origin. */
  private final Set<String> origins = ConcurrentHashMap.newKeySet();
  /**
   * Names claimed for a publish that has not started, with when: given up after {@link
   * #CLAIM_GRACE} if it never does (refused here after all, or its connection closed).
   */
  private final Map<String, Long> claimed = new ConcurrentHashMap<>();
  /** Names whose holder was asked to let them go, and what it answers (false: kept, or no answer). */
  private final Map<String, CompletableFuture<Boolean>> asked = new ConcurrentHashMap<>();
  private volatile Cancellable sweeper = Cancellable.NONE;
  private volatile ScheduledExecutorService timers;

  /**
   * @param advertise this node's RTMP address as other nodes reach it ({@code host:port}), asked at each publish
   * @param idle how long a pull goes on without viewers
   * @param maxMessage the largest RTMP message taken from an origin
   * @param hlsViewers HLS viewers of a stream key now
   * @param pullTls the TLS of pulls from origins whose address is {@value #RTMPS}; null: such origins are not pulled
   */
  public ClusterStreams(NodeBus bus, StreamHub hub, TokenService tokens, Supplier<String> advertise, Duration idle,
      int maxMessage, ToIntFunction<String> hlsViewers, EventLoopGroup group,
      Class<? extends SocketChannel> channelClass, SslContext pullTls) {
    this.bus = bus;
    this.hub = hub;
    this.tokens = tokens;
    this.advertise = advertise;
    this.idle = idle;
    this.maxMessage = maxMessage;
    this.hlsViewers = hlsViewers;
    this.group = group;
    this.channelClass = channelClass;
    this.pullTls = pullTls;
  }

  /** Listens on the bus, becomes the hub's upstream and sink, and sweeps idle pulls on {@code timers}. */
  public void start(ScheduledExecutorService timers) {
    this.timers = timers;
    bus.listen(PUBLISHED, (from, payload) -> publishedOn(new String(payload, StandardCharsets.UTF_8)));
    bus.listen(YIELD, (from, payload) -> yieldAsked(from, new String(payload, StandardCharsets.UTF_8)));
    bus.listen(YIELDED, (from, payload) -> {
      String answer = new String(payload, StandardCharsets.UTF_8);
      CompletableFuture<Boolean> waiting = answer.isEmpty() ? null : asked.get(answer.substring(1));
      if (waiting != null) {
        waiting.complete(answer.charAt(0) == '1');
      }
    });
    bus.onResume(this::wantWaiting);
    hub.upstream(this);
    hub.addSink(this);
    sweeper = hub.time().every(timers, this::sweep, SWEEP);
  }

  /** Stops every pull (the server stops); the bus drops this node's entries itself. */
  public void stop() {
    sweeper.cancel();
    for (EdgePull p : pulls.values()) {
      p.stop("the server stops");
    }
  }

  @Override
  public CompletionStage<String> mayPublish(String app, String name) {
    return claim(app + "/" + name, true);
  }

  /**
   * Claims {@code key} for a publish here: null when it may go on, else why not. When another node
   * holds it, that node is asked (once) whether it lets the name go, as one node lets a publisher
   * take over a stream: its publisher gone within the reconnect grace (an encoder reconnecting to
   * another node), or by {@code live.publish.takeover}.
   */
  private CompletionStage<String> claim(String key, boolean mayAsk) {
    // Claimed, not looked up: of two publishers of one name on two nodes at once, one node wins.
    return bus.claim(KEY, key, advertise.get()).<CompletionStage<String>>handle((held, err) -> {
      if (err != null) {
        // The others cannot be asked: serve this node's publisher rather than nobody.
        log.warn("live: publishing {} without checking the other nodes: {}", key, err.toString());
        return CompletableFuture.completedFuture((String) null);
      }
      if (!held.node().equals(bus.nodeId())) {
        String refused = "stream " + key + " is already being published (on node " + held.node() + ")";
        return mayAsk ? ask(held.node(), key).thenCompose(let -> let ? claim(key, false)
            : CompletableFuture.completedFuture(refused)) : CompletableFuture.completedFuture(refused);
      }
      if (!origins.contains(key)) {
        claimed.put(key, hub.time().nanoTime());
      }
      return CompletableFuture.completedFuture((String) null);
    }).thenCompose(c -> c);
  }

  /** Asks {@code node} to let {@code key} go; completes true if it did, false if it kept it or did not answer in time. */
  private CompletionStage<Boolean> ask(String node, String key) {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    CompletableFuture<Boolean> already = asked.putIfAbsent(key, answer);
    if (already != null) {
      return already;
    }
    answer.whenComplete((let, e) -> asked.remove(key, answer));
    hub.time().schedule(timers, () -> answer.complete(false), YIELD_WAIT);
    bus.send(node, YIELD, key.getBytes(StandardCharsets.UTF_8));
    return answer;
  }

  /**
   * Node {@code from} has a publisher for {@code key}, which this node holds: the name is let go
   * when this node's stream has lost its publisher (it is in its reconnect grace), or when the
   * takeover rule lets a newcomer take the current publisher's place (which is then kicked). The
   * stream's viewers here stay: once the other node publishes, this node pulls it from there.
   */
  private void yieldAsked(String from, String key) {
    int slash = key.indexOf('/');
    LiveStream s = slash > 0 ? hub.get(key.substring(0, slash), key.substring(slash + 1)) : null;
    Publisher p = s == null ? null : s.publisher();
    boolean let = origins.contains(key) && (p == null || !p.edge() && takeable(p));
    if (let) {
      origins.remove(key);
      claimed.remove(key);
      bus.release(KEY, key); // before the answer: the asker's claim that follows finds the name free
      if (p != null) {
        p.kick("stream " + key + " was taken over by a new publisher on node " + from);
      }
      log.info("live: {} let go for a publisher on node {}", key, from);
    }
    bus.send(from, YIELDED, ((let ? "1" : "0") + key).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the takeover rule lets a newcomer replace {@code current}, as on one node. */
  private boolean takeable(Publisher current) {
    long idle = hub.time().nanoTime() - current.lastMediaNanos();
    return switch (hub.settings().takeover()) {
      case ALWAYS -> true;
      case IDLE -> idle >= hub.settings().takeoverIdle().toNanos();
      case OFF -> false;
    };
  }

  @Override
  public void wanted(String app, String name) {
    String key = app + "/" + name;
    EdgePull running = pulls.get(key);
    if (running != null && running.running()) {
      running.lastWanted = hub.time().nanoTime();
      return;
    }
    if (running != null) {
      pulls.remove(key, running); // on its way out: the next pull replaces it
    }
    if (!looking.add(key)) {
      return;
    }
    bus.heldElsewhere(List.of(KEY)).whenComplete((held, err) -> {
      looking.remove(key);
      NodeBus.Held h = err == null ? find(held, key) : null;
      if (h != null) {
        pull(app, name, h);
      }
    });
  }

  @Override
  public CompletionStage<Boolean> publishedElsewhere(String app, String name) {
    return bus.heldElsewhere(List.of(KEY)).handle((held, err) -> err == null && find(held, app + "/" + name) != null);
  }

  @Override
  public CompletionStage<List<RemoteStream>> elsewhere() {
    return bus.heldElsewhere(List.of(KEY)).thenApply(held -> {
      List<RemoteStream> out = new ArrayList<>();
      for (NodeBus.Held h : held.getOrDefault(KEY, List.of())) {
        int slash = h.field().indexOf('/');
        if (slash > 0) {
          out.add(new RemoteStream(h.field().substring(0, slash), h.field().substring(slash + 1), h.node(), h.value()));
        }
      }
      return out;
    });
  }

  private static NodeBus.Held find(Map<String, List<NodeBus.Held>> held, String key) {
    for (NodeBus.Held h : held.getOrDefault(KEY, List.of())) {
      if (h.field().equals(key)) {
        return h;
      }
    }
    return null;
  }

  private void pull(String app, String name, NodeBus.Held origin) {
    String key = app + "/" + name;
    boolean tls = origin.value().startsWith(RTMPS);
    String address = tls ? origin.value().substring(RTMPS.length()) : origin.value();
    int colon = address.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      log.warn("live: node {} holds {} with no RTMP address ({})", origin.node(), key, origin.value());
      return;
    }
    if (tls && pullTls == null) {
      log.warn("live: node {} serves {} over RTMPS only and this node has no TLS (live.rtmp.tls) to pull it with",
          origin.node(), key);
      return;
    }
    String token = tokens.mint("parley-edge", TOKEN_TTL, AccessControl.edgeClaims(key, bus.nodeId()));
    EdgePull p = new EdgePull(hub, app, name, origin.node(), address.substring(0, colon), port, token,
        maxMessage, closed -> pulls.remove(key, closed), tls ? pullTls : null);
    if (pulls.putIfAbsent(key, p) == null) {
      p.start(group, channelClass, PULL_DEADLINE);
    }
  }

  /** Another node published {@code key}: viewers waiting for it here get it now. */
  private void publishedOn(String key) {
    int slash = key.indexOf('/');
    LiveStream s = slash > 0 ? hub.get(key.substring(0, slash), key.substring(slash + 1)) : null;
    if (s != null && !s.isLive() && viewers(s) > 0) {
      wanted(s.app(), s.name());
    }
  }

  /** After a bus outage: look again for the streams viewers wait for here. */
  private void wantWaiting() {
    for (LiveStream s : hub.all()) {
      if (!s.isLive() && viewers(s) > 0) {
        wanted(s.app(), s.name());
      }
    }
  }

  private int viewers(LiveStream s) {
    return s.viewers(Viewer.Protocol.RTMP) + s.viewers(Viewer.Protocol.FLV) + hlsViewers.applyAsInt(s.key());
  }

  /** Stops the pulls nobody watched for {@code idle}, and gives up claims no publish took. */
  private void sweep() {
    long now = hub.time().nanoTime();
    claimed.forEach((key, at) -> {
      if (now - at >= CLAIM_GRACE.toNanos() && claimed.remove(key, at) && !origins.contains(key)) {
        bus.release(KEY, key);
      }
    });
    for (EdgePull p : pulls.values()) {
      LiveStream s = p.stream();
      if (s == null) {
        continue; // still connecting: the pull's own deadline covers it
      }
      if (viewers(s) > 0) {
        p.lastWanted = now;
      } else if (now - p.lastWanted >= idle.toNanos()) {
        p.stop("no viewers for " + idle.toMillis() + " ms");
      }
    }
  }

  @Override
  public void onPublishStart(LiveStream stream) {
    Publisher p = stream.publisher();
    if (p == null || p.edge()) {
      return;
    }
    origins.add(stream.key());
    claimed.remove(stream.key());
    bus.hold(KEY, stream.key(), advertise.get());
    bus.broadcast(PUBLISHED, stream.key().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onFrame(LiveStream stream, MediaFrame frame) {
    // the frames stay on this node; other nodes pull them
  }

  @Override
  public void onUnpublish(LiveStream stream) {
    // the entry stays through the reconnect grace: the name is this node's until the stream ends
  }

  @Override
  public void onEnd(LiveStream stream) {
    if (origins.remove(stream.key())) {
      bus.release(KEY, stream.key());
    }
  }
}
