package dev.parley.rtc.turn;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The rtc module's meters, exported as {@code parley_rtc_*}. Hot-path counts go to LongAdders that
 * the registry reads when scraped, so relaying a packet costs no meter lookup.
 */
public final class RtcMetrics {
  /** Which way a relayed packet went. */
  public enum Direction { TO_PEER, TO_CLIENT }

  /** Why a packet was not relayed. */
  public enum Drop { NO_ALLOCATION, NO_PERMISSION, NO_CHANNEL, BANDWIDTH, BACKPRESSURE, MALFORMED, DENIED_PEER }

  private final Map<Direction, LongAdder> packets = new EnumMap<>(Direction.class);
  private final Map<Direction, LongAdder> bytes = new EnumMap<>(Direction.class);
  private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
  private final Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();
  private final LongAdder created = new LongAdder();
  private final LongAdder deniedPeers = new LongAdder();
  private final Map<Integer, LongAdder> rejected = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  RtcMetrics(MeterRegistry registry, IntSupplier active) {
    this.registry = registry;
    for (Direction d : Direction.values()) {
      String tag = d.name().toLowerCase(Locale.ROOT);
      packets.put(d, counter("parley.rtc.relayed.packets", "Packets relayed", "direction", tag));
      bytes.put(d, counter("parley.rtc.relayed.bytes", "Application bytes relayed", "direction", tag));
    }
    for (Drop d : Drop.values()) {
      drops.put(d, counter("parley.rtc.dropped.packets", "Packets not relayed", "reason", d.name().toLowerCase(Locale.ROOT)));
    }
    Gauge.builder("parley.rtc.allocations.active", active::getAsInt).description("TURN allocations held now").register(registry);
    FunctionCounter.builder("parley.rtc.allocations.opened", created, LongAdder::sum)
        .description("TURN allocations created").register(registry);
    FunctionCounter.builder("parley.rtc.peers.denied", deniedPeers, LongAdder::sum)
        .description("Requests refused because the peer address is denied").register(registry);
  }

  private LongAdder counter(String name, String description, String tag, String value) {
    LongAdder a = new LongAdder();
    FunctionCounter.builder(name, a, LongAdder::sum).description(description).tag(tag, value).register(registry);
    return a;
  }

  public void relayed(Direction d, int length) {
    packets.get(d).increment();
    bytes.get(d).add(length);
  }

  public void dropped(Drop reason) {
    drops.get(reason).increment();
  }

  void allocationCreated() {
    created.increment();
  }

  /** An allocation refused with {@code code} (486, 508, ...). */
  void allocationRejected(int code) {
    rejected.computeIfAbsent(code, c -> counter("parley.rtc.allocations.rejected", "Allocate requests refused", "code",
        String.valueOf(c))).increment();
  }

  void deniedPeer() {
    deniedPeers.increment();
  }

  void authFailure(String reason) {
    authFailures.computeIfAbsent(reason, r -> counter("parley.rtc.auth.failures", "TURN requests refused by the "
        + "credential check", "reason", r)).increment();
  }

  public long relayedPackets(Direction d) {
    return packets.get(d).sum();
  }

  public long relayedBytes(Direction d) {
    return bytes.get(d).sum();
  }

  public long droppedPackets(Drop d) {
    return drops.get(d).sum();
  }
}
