package dev.parley.bench.rtc;

import com.sun.management.OperatingSystemMXBean;
import dev.parley.rtc.stun.StunMessageBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * TURN relay packets per second and server CPU: Parley and coturn (Debian's turnserver), each in
 * its own process on loopback, under the same load from {@link TurnLoad} in the same run. Each
 * configuration runs {@code --rounds} times, servers alternating, and the median is reported; the
 * CPU that other processes on the machine used during each window is shown, so a disturbed run can
 * be told apart.
 *
 * <pre>
 * java -cp parley-bench/target/parley-bench.jar dev.parley.bench.rtc.TurnBench \
 *   [--servers parley,coturn] [--allocations 32] [--payload 200] [--rates 20000,40000] \
 *   [--seconds 15] [--warmup 5] [--rounds 3] [--generator-threads 1] [--parley-threads 2] [--same-threads true]
 * </pre>
 *
 * A rate is datagrams per second in each direction (client to peer as ChannelData, peer to client
 * as plain datagrams) over all allocations. With {@code --same-threads true} coturn gets as many relay
 * threads as Parley has event loop threads.
 */
public final class TurnBench {
  private TurnBench() {}

  /** One measured window. */
  record Result(String server, long rate, double relayedPps, double lossPct, double serverCpuPct, double otherCpuPct) {
    double perCpuSecond() {
      return relayedPps / Math.max(serverCpuPct / 100, 0.0001);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> servers = List.of("parley", "coturn");
    int allocations = 32;
    int payload = 200;
    List<Long> rates = List.of(20_000L, 40_000L);
    int seconds = 15;
    int warmup = 5;
    int rounds = 3;
    int generatorThreads = 1;
    int parleyThreads = 2;
    boolean sameThreads = true;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--servers" -> servers = Arrays.asList(v.split(","));
        case "--allocations" -> allocations = Integer.parseInt(v);
        case "--payload" -> payload = Integer.parseInt(v);
        case "--rates" -> rates = Arrays.stream(v.split(",")).map(Long::parseLong).toList();
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--generator-threads" -> generatorThreads = Integer.parseInt(v);
        case "--parley-threads" -> parleyThreads = Integer.parseInt(v);
        case "--same-threads" -> sameThreads = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf("TURN relay: %d allocations, %d-byte payloads, %d s measured after %d s warm-up, %d round(s), "
        + "%d generator thread(s), Parley io-threads %d, coturn relay-threads %s, %d CPUs%n", allocations, payload, seconds,
        warmup, rounds, generatorThreads, parleyThreads, sameThreads ? String.valueOf(parleyThreads) : "default",
        Runtime.getRuntime().availableProcessors());
    System.out.println("run: server, offered pps, relayed pps, loss, server CPU, other processes' CPU");
    List<Result> results = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (long rate : rates) {
        List<String> order = new ArrayList<>(servers);
        if (round % 2 == 1) {
          Collections.reverse(order);
        }
        for (String s : order) {
          Result r = runOne(s, allocations, payload, rate, seconds, warmup, generatorThreads, parleyThreads,
              sameThreads);
          System.out.printf(Locale.ROOT, "run: %s, %,d, %,.0f, %.2f%%, %.0f%%, %.0f%%%n", r.server, r.rate * 2,
              r.relayedPps, r.lossPct, r.serverCpuPct, r.otherCpuPct);
          results.add(r);
        }
      }
    }
    System.out.println();
    System.out.println("| server | offered pps (both directions) | relayed pps | loss | server CPU (% of one core) "
        + "| relayed packets per CPU-second | other processes' CPU (max) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (long rate : rates) {
      for (String s : servers) {
        List<Result> mine = results.stream().filter(r -> r.server.equals(s) && r.rate == rate).toList();
        System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.2f%% | %.0f%% | %,.0f | %.0f%% |%n", s, rate * 2,
            median(mine, Result::relayedPps), median(mine, Result::lossPct), median(mine, Result::serverCpuPct),
            median(mine, Result::perCpuSecond), mine.stream().mapToDouble(Result::otherCpuPct).max().orElse(0));
      }
    }
  }

  static double median(List<Result> rs, ToDoubleFunction<Result> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Result runOne(String which, int allocations, int payload, long rate, int seconds, int warmup,
      int generatorThreads, int parleyThreads, boolean sameThreads) throws Exception {
    Path dir = Files.createTempDirectory("turn-bench-" + which);
    String secret = "bench-secret-" + System.nanoTime();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(generatorThreads, EpollIoHandler.newFactory());
    try (TurnServers.Running server = which.equals("coturn")
        ? TurnServers.coturn(dir, secret, sameThreads ? parleyThreads : 0)
        : TurnServers.parley(dir, secret, parleyThreads, List.of("-Xms512m", "-Xmx1g"))) {
      awaitStun(server);
      try (TurnLoad load = new TurnLoad(group, new InetSocketAddress("127.0.0.1", server.port()), payload, secret)) {
        load.setup(allocations);
        load.run(rate, warmup * 1000L);
        Thread.sleep(500);
        long sent0 = load.sentToPeer.sum() + load.sentToClient.sum();
        long recv0 = load.receivedAtPeer.sum() + load.receivedAtClient.sum();
        double cpu0 = server.process().cpuSeconds();
        double self0 = selfCpuSeconds();
        double busy0 = machineBusySeconds();
        long t0 = System.nanoTime();
        load.run(rate, seconds * 1000L);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = server.process().cpuSeconds() - cpu0;
        double self = selfCpuSeconds() - self0;
        double busy = machineBusySeconds() - busy0;
        Thread.sleep(300);
        long sent = load.sentToPeer.sum() + load.sentToClient.sum() - sent0;
        long recv = load.receivedAtPeer.sum() + load.receivedAtClient.sum() - recv0;
        if (!server.process().alive()) {
          throw new IllegalStateException(which + " died:\n" + server.process().logTail(20));
        }
        System.err.printf(Locale.ROOT, "%s: sent %d to peers and %d to clients; received %d at peers and %d at clients%n",
            which, load.sentToPeer.sum(), load.sentToClient.sum(), load.receivedAtPeer.sum(), load.receivedAtClient.sum());
        String drops = server.dropCounters();
        if (!drops.isEmpty()) {
          System.err.println(which + " dropped: " + drops);
        }
        return new Result(which, rate, recv / elapsed, 100.0 * (sent - recv) / Math.max(1, sent), 100 * cpu / elapsed,
            100 * Math.max(0, busy - cpu - self) / elapsed);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** CPU time of this (the load generator's) process. */
  private static double selfCpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /** CPU time all processes on the machine used (user, nice, system, irq, softirq, steal from /proc/stat). */
  private static double machineBusySeconds() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(f[i]);
    }
    return busy / 100.0;
  }

  /** Waits until the server answers a STUN Binding request. */
  private static void awaitStun(TurnServers.Running server) throws Exception {
    byte[] req = StunMessageBuilder.of(1, 0, new byte[12]).build();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(200);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        if (!server.process().alive()) {
          throw new IllegalStateException(server.name() + " exited:\n" + server.process().logTail(20));
        }
        s.send(new DatagramPacket(req, req.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())));
        try {
          s.receive(new DatagramPacket(new byte[512], 512));
          return;
        } catch (SocketTimeoutException e) {
          // not up yet
        }
      }
    }
    throw new IllegalStateException(server.name() + " did not answer STUN within 30 s:\n" + server.process().logTail(20));
  }
}
