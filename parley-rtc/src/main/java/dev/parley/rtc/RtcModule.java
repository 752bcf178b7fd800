package dev.parley.rtc;

import dev.parley.core.auth.SecretFiles;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.core.time.Cancellable;
import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.call.RemoteCalls;
import dev.parley.rtc.auth.NonceService;
import dev.parley.rtc.auth.RestCredentials;
import dev.parley.rtc.config.RtcKeys;
import dev.parley.rtc.ice.IceServers;
import dev.parley.rtc.ice.IceServersRoute;
import dev.parley.rtc.ice.IceServersService;
import dev.parley.rtc.room.JoinTokens;
import dev.parley.rtc.net.TcpTurnPipeline;
import dev.parley.rtc.net.UdpTurnListener;
import dev.parley.rtc.signal.CallBusy;
import dev.parley.rtc.signal.CallHome;
import dev.parley.rtc.signal.ClusterCallHome;
import dev.parley.rtc.signal.ClusterSignalRoutes;
import dev.parley.rtc.signal.LocalSignalRoutes;
import dev.parley.rtc.signal.RoomHome;
import dev.parley.rtc.signal.SignalConfig;
import dev.parley.rtc.signal.SignalRoutes;
import dev.parley.rtc.turn.RtcMetrics.Direction;
import dev.parley.rtc.turn.ClusterUserAllocations;
import dev.parley.rtc.turn.LocalUserAllocations;
import dev.parley.rtc.turn.TurnConfig;
import dev.parley.rtc.turn.TurnServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls system: the STUN/TURN server on UDP, TCP and optionally TLS, the coturn-compatible
 * credential secret, the ICE server list ({@link IceServers} service, {@code GET
 * /api/v1/rtc/ice-servers} and the IM login answer), and call and room signaling on IM sessions
 * ({@link Signaling}).
 */
public final class RtcModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(RtcModule.class);
  /** Listener names (for {@link ServerContext#boundPort}). */
  public static final String TCP_LISTENER = "rtc-turn-tcp";
  public static final String TLS_LISTENER = "rtc-turn-tls";
  /** How often a cluster node drops the sessions of nodes that are gone (their calls see them close). */
  static final Duration SWEEP_PERIOD = Duration.ofSeconds(5);

  private TurnServer server;
  private UdpTurnListener udp;
  private ServerContext ctx;
  private Signaling signaling;
  private Cancellable sweep = Cancellable.NONE;

  @Override
  public String name() {
    return "rtc";
  }

  @Override
  public int order() {
    return 300;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return RtcKeys.all();
  }

  @Override
  public void start(ServerContext context) {
    this.ctx = context;
    Config config = context.config();
    TurnConfig turn = TurnConfig.from(config);
    String quotaWarning = TurnConfig.userQuotaWarning(config);
    if (quotaWarning != null) {
      log.warn(quotaWarning);
    }
    String secret = config.get(RtcKeys.SECRET) != null ? config.get(RtcKeys.SECRET)
        : SecretFiles.loadOrCreate(context.dataDir(), "turn.secret", "TURN REST credential secret");
    RestCredentials credentials = new RestCredentials(secret);
    Authenticator auth = new Authenticator(turn.realm(), credentials, new NonceService(turn.nonceLifetimeMillis()),
        context.time());
    // In a cluster the user quota counts the allocations a user holds on every node.
    NodeBus nodeBus = context.services().first(NodeBus.class).orElse(null);
    ClusterUserAllocations shared = nodeBus == null ? null : new ClusterUserAllocations(nodeBus, this::aliveNodes);
    server = new TurnServer(turn, auth, shared == null ? new LocalUserAllocations() : shared, context.metrics(),
        context.time(), context.eventLoops());
    server.start();
    if (shared != null) {
      shared.start();
    }
    if (config.get(RtcKeys.UDP_ENABLED)) {
      udp = new UdpTurnListener(server, context.eventLoops());
      udp.bind(config.get(RtcKeys.UDP_HOST), config.get(RtcKeys.UDP_PORT));
    }
    long handshake = config.get(RtcKeys.TCP_HANDSHAKE_TIMEOUT).toMillis();
    long idle = config.get(RtcKeys.TCP_IDLE_TIMEOUT).toMillis();
    ListenerKeys.Settings tcp = RtcKeys.TCP.settings(config);
    context.listen(new TcpListener(TCP_LISTENER, tcp, new TcpTurnPipeline(server, tcp.tls() ? "tls" : "tcp", handshake,
        idle)));
    ListenerKeys.Settings tls = new ListenerKeys.Settings(config.get(RtcKeys.TLS_ENABLED), config.get(RtcKeys.TLS_HOST),
        config.get(RtcKeys.TLS_PORT), true, config.get(RtcKeys.TLS_MAX_PER_IP));
    context.listen(new TcpListener(TLS_LISTENER, tls, new TcpTurnPipeline(server, "tls", handshake, idle)));

    IceServersService ice = new IceServersService(credentials, config.get(RtcKeys.CREDENTIAL_TTL), context.time(),
        config.get(RtcKeys.PUBLIC_HOST), turn.advertisedIp().getHostAddress(), config.get(RtcKeys.ICE_URLS),
        config.get(RtcKeys.ICE_EXTRA_URLS), new IceServersService.Ports(this::udpPort,
            () -> port(TCP_LISTENER, tcp.enabled()), () -> port(TLS_LISTENER, tls.enabled())));
    context.services().register(IceServers.class, ice);
    context.services().register(RtcModule.class, this);
    context.services().register(StatsContributor.class, new StatsContributor() {
      @Override
      public String section() {
        return "rtc";
      }

      @Override
      public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allocations", server.allocations());
        m.put("relayedPacketsToPeer", server.metrics().relayedPackets(Direction.TO_PEER));
        m.put("relayedPacketsToClient", server.metrics().relayedPackets(Direction.TO_CLIENT));
        m.put("relayedBytesToPeer", server.metrics().relayedBytes(Direction.TO_PEER));
        m.put("relayedBytesToClient", server.metrics().relayedBytes(Direction.TO_CLIENT));
        return m;
      }
    });
    new IceServersRoute(ice, context.tokens()).register(context.http());

    // Call and room signaling ride on IM sessions; without the IM module only STUN/TURN runs.
    context.services().first(ImGateway.class).ifPresent(gateway -> {
      NodeBus bus = context.services().first(NodeBus.class).orElse(null);
      SignalRoutes routes = bus == null ? new LocalSignalRoutes(gateway) : clusterRoutes(gateway, bus);
      ClusterCallHome home = bus == null ? null : new ClusterCallHome(bus, node -> aliveNodes().contains(node));
      signaling = home == null
          ? new Signaling(gateway, routes, CallHome.LOCAL, RoomHome.LOCAL, CallBusy.LOCAL, SignalConfig.from(config),
              context.metrics(), context.time(), context.tokens())
          : new Signaling(gateway, routes, home, home, home, SignalConfig.from(config), context.metrics(), context.time(),
              context.tokens());
      new JoinTokens(context.tokens(), config.get(RtcKeys.ROOM_TOKEN_MAX_TTL), context.time()).register(context.http(),
          context.adminAuth());
      Signaling.addIceServers(gateway, ice);
      if (routes instanceof ClusterSignalRoutes cluster) {
        cluster.watch(signaling.roomRelays());
      }
      context.services().register(Signaling.class, signaling);
      context.services().register(SignalRoutes.class, routes);
    });
  }

  /**
   * Sessions on every node of the cluster: announced once the node starts, the sessions of nodes
   * that are gone dropped every {@link #SWEEP_PERIOD}, and with them the calls they held for the
   * sessions here.
   */
  private SignalRoutes clusterRoutes(ImGateway gateway, NodeBus bus) {
    ClusterSignalRoutes routes = new ClusterSignalRoutes(gateway, bus, this::aliveNodes);
    // The calls other nodes hold for sessions here end here too when their holder dies.
    RemoteCalls remote = new RemoteCalls(gateway, ctx.time());
    routes.watch(remote);
    routes.addSessionListener(remote);
    ctx.services().register(RemoteCalls.class, remote);
    sweep = ctx.time().every(ctx.eventLoops().group().next(), routes::sweep, SWEEP_PERIOD);
    routes.announce();
    return routes;
  }

  /** The ids of the nodes alive in this node's view of the cluster. */
  private Set<String> aliveNodes() {
    Set<String> ids = new HashSet<>();
    ctx.services().first(Cluster.class).ifPresent(c -> c.nodes().forEach(n -> ids.add(n.id())));
    return ids;
  }

  /** Call and room signaling, or null when the IM module is not running. */
  public Signaling signaling() {
    return signaling;
  }

  private int port(String listener, boolean enabled) {
    return enabled ? ctx.boundPort(listener) : -1;
  }

  /** The bound port of the UDP listener, or -1 when it is off. */
  public int udpPort() {
    return udp == null ? -1 : udp.port();
  }

  /** The TURN engine (allocations, metrics). */
  public TurnServer turnServer() {
    return server;
  }

  @Override
  public void drain() {
    if (signaling != null) {
      signaling.drain();
    }
    if (udp != null) {
      udp.close();
    }
  }

  @Override
  public void stop() {
    sweep.cancel();
    if (udp != null) {
      udp.close();
    }
    if (server != null) {
      server.stop();
    }
    if (signaling != null) {
      signaling.close();
    }
  }
}
