package dev.parley.rtc.turn;

import dev.parley.core.net.EventLoops;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.TransportAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN engine shared by the UDP, TCP and TLS listeners: the allocations, their relay sockets,
 * quotas, the credential check and expiry. Each allocation lives on its client's event loop; the
 * per-loop state here (allocations to sweep, channels to flush) is only touched on that loop.
 */
public final class TurnServer {
  private static final Logger log = LoggerFactory.getLogger(TurnServer.class);
  private static final int BIND_ATTEMPTS = 32;
  /**
   * Receive buffer of a relay socket: room for a few milliseconds of a video call's packets while
   * its event loop is busy. A cap, not a reservation: the kernel charges only what is queued.
   */
  private static final int RELAY_SOCKET_BUFFER = 512 << 10;

  private final TurnConfig config;
  private final Authenticator authenticator;
  private final RtcMetrics metrics;
  private final TimeSource time;
  private final Clock clock;
  private final EventLoops eventLoops;
  private final Quotas quotas;
  private final TurnRequests requests;
  private final RelayPorts ports;
  private final ConcurrentHashMap<InetSocketAddress, Allocation> udpAllocations = new ConcurrentHashMap<>();
  private final Map<EventExecutor, LoopState> loops = new IdentityHashMap<>();
  private final List<Cancellable> sweeps = new ArrayList<>();

  /** What one event loop holds. */
  private static final class LoopState {
    final FlushQueue flushQueue;
    final Set<Allocation> allocations = new HashSet<>();

    LoopState(EventLoop loop) {
      flushQueue = new FlushQueue(loop);
    }
  }

  /**
   * {@code users} counts each user's allocations against the user quota (in memory on one node,
   * shared in a cluster); every timer runs on {@code time}.
   */
  public TurnServer(TurnConfig config, Authenticator authenticator, UserAllocations users, MeterRegistry registry,
      TimeSource time, EventLoops eventLoops) {
    this.config = config;
    this.authenticator = authenticator;
    this.time = time;
    this.clock = time.clock();
    this.eventLoops = eventLoops;
    this.quotas = new Quotas(config.userQuota(), config.totalQuota(), users);
    this.metrics = new RtcMetrics(registry, quotas::held);
    this.ports = new RelayPorts(config.portMin(), config.portMax());
    this.requests = new TurnRequests(this);
    for (EventExecutor e : eventLoops.group()) {
      loops.put(e, new LoopState((EventLoop) e));
    }
  }

  /** Starts the expiry sweep on every event loop. */
  public void start() {
    for (Map.Entry<EventExecutor, LoopState> e : loops.entrySet()) {
      LoopState state = e.getValue();
      sweeps.add(time.every(e.getKey(), () -> sweep(state), Duration.ofMillis(config.sweepIntervalMillis())));
    }
  }

  public TurnConfig config() {
    return config;
  }

  public RtcMetrics metrics() {
    return metrics;
  }

  /** The wall clock of {@link #time()}: lifetimes, nonces and reservations follow it. */
  public Clock clock() {
    return clock;
  }

  /** Where the server's timers are set. */
  public TimeSource time() {
    return time;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  Quotas quotas() {
    return quotas;
  }

  /** Allocations held now. */
  public int allocations() {
    return quotas.held();
  }

  /** Allocations {@code userId} holds now. */
  public int allocationsOf(String userId) {
    return quotas.heldBy(userId);
  }

  /** The UDP allocation of a client address, or null. */
  public Allocation udpAllocation(InetSocketAddress client) {
    return udpAllocations.get(client);
  }

  /** The UDP allocations by client address (the listener's side of each 5-tuple is the same socket address). */
  public ConcurrentHashMap<InetSocketAddress, Allocation> udpTable() {
    return udpAllocations;
  }

  /** The flush queue of {@code loop}; only used on that loop. */
  public FlushQueue flushQueue(EventLoop loop) {
    LoopState s = loops.get(loop);
    if (s == null) {
      throw new IllegalStateException("not one of the server's event loops: " + loop);
    }
    return s.flushQueue;
  }

  /** Handles a STUN message from {@code link}; on the link's event loop. */
  public void handle(ClientLink link, StunMessage message) {
    requests.handle(link, message);
  }

  Allocation newAllocation(ClientLink link, String username, String userId, byte[] tid) {
    LoopState s = loops.get(link.loop());
    Allocation a = new Allocation(this, link, username, userId, tid, s.flushQueue, clock.millis());
    s.allocations.add(a);
    link.allocation(a);
    metrics.allocationCreated();
    return a;
  }

  /** Frees an allocation: its relay socket, its quota, its place on the link. On the allocation's loop. */
  void release(Allocation a) {
    if (a.closed) {
      return;
    }
    a.closed = true;
    loops.get(a.link.loop()).allocations.remove(a);
    if (a.link.allocation() == a) {
      a.link.allocation(null);
    }
    if (a.relay != null) {
      a.relay.close();
    }
    quotas.release(a.userId);
    log.debug("allocation of {} on {} {} released", a.username, a.link.transport(), a.link.remote());
  }

  /** Releases the allocation of a closed TCP/TLS connection. */
  public void linkClosed(ClientLink link) {
    Allocation a = link.allocation();
    if (a != null) {
      release(a);
    }
  }

  private void sweep(LoopState state) {
    if (state.allocations.isEmpty()) {
      return;
    }
    long now = clock.millis();
    for (Allocation a : new ArrayList<>(state.allocations)) {
      if (a.sweep(now)) {
        log.debug("allocation of {} on {} {} expired", a.username, a.link.transport(), a.link.remote());
        release(a);
      }
    }
  }

  /**
   * Binds a relay socket for {@code a} on its event loop: at {@code fixedPort} (a claimed
   * reservation) or at a random free port of the range (an even one if asked, with the next port
   * free for a reservation if {@code pair}), trying other ports when one is in use; {@code done}
   * gets false when none could be bound.
   */
  void bindRelay(Allocation a, boolean ipv6, boolean even, boolean pair, int fixedPort, Consumer<Boolean> done) {
    InetAddress ip = ipv6 ? config.relayIp6() : config.relayIp();
    attemptBind(a, ip, even, pair, fixedPort, 0, done);
  }

  private void attemptBind(Allocation a, InetAddress ip, boolean even, boolean pair, int fixedPort, int attempt,
      Consumer<Boolean> done) {
    int port = fixedPort > 0 ? fixedPort : ports.pick(even, pair, clock.millis());
    if (port < 0) {
      done.accept(false);
      return;
    }
    Bootstrap b = datagramBootstrap(a.link.loop(), ip, false)
        .option(ChannelOption.SO_RCVBUF, RELAY_SOCKET_BUFFER)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(TurnHandlerNames.RELAY, new RelayHandler(a));
          }
        });
    b.bind(new InetSocketAddress(ip, port)).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        Channel ch = f.channel();
        if (a.closed) {
          ch.close();
          return;
        }
        a.relay = ch;
        InetAddress shown = ip == config.relayIp6() ? ip : config.advertisedIp();
        a.relayed = TransportAddress.of(new InetSocketAddress(shown, port));
        ch.closeFuture().addListener(c -> release(a));
        done.accept(true);
      } else if (fixedPort <= 0 && attempt + 1 < BIND_ATTEMPTS && !a.closed) {
        attemptBind(a, ip, even, pair, fixedPort, attempt + 1, done);
      } else {
        log.warn("no relay port bound in {}-{} after {} attempts: {}", config.portMin(), config.portMax(),
            attempt + 1, f.cause().toString());
        done.accept(false);
      }
    });
  }

  RelayPorts ports() {
    return ports;
  }

  /**
   * A datagram bootstrap on {@code loop} for sockets of {@code ip}'s family (an IPv4 socket for IPv4:
   * no mapped-address handling in the kernel). With {@code batch} on epoll, reads take up to
   * recv-batch datagrams per recvmmsg (the shared listener sockets); without, one per recvmsg (relay
   * sockets, which rarely have more than one datagram waiting).
   */
  public Bootstrap datagramBootstrap(EventLoop loop, InetAddress ip, boolean batch) {
    SocketProtocolFamily family = ip instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    boolean epoll = eventLoops.isEpoll();
    Bootstrap b = new Bootstrap().group(loop)
        .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family));
    if (epoll && batch && config.recvBatch() > 1) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, config.maxDatagram());
      b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxDatagram() * config.recvBatch()));
    } else {
      b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxDatagram()));
    }
    return b;
  }

  /** Frees every allocation; waits briefly for each loop. */
  public void stop() {
    sweeps.forEach(Cancellable::cancel);
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<EventExecutor, LoopState> e : loops.entrySet()) {
      if (e.getKey().isShuttingDown()) {
        continue;
      }
      LoopState state = e.getValue();
      pending.add(e.getKey().submit(() -> {
        for (Allocation a : new ArrayList<>(state.allocations)) {
          release(a);
        }
      }));
    }
    for (Future<?> f : pending) {
      f.awaitUninterruptibly(2000);
    }
  }
}
