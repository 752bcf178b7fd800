package dev.parley.im.metrics;

import dev.parley.im.wire.WireFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The IM meters, exported as {@code parley_im_*}. */
public final class ImMetrics {
  private final Map<WireFormat, AtomicInteger> connections = new EnumMap<>(WireFormat.class);
  public final Counter loginsOk;
  public final Counter loginsFailed;
  public final Counter messagesIn;
  public final Counter messagesOut;
  public final Counter acks;
  public final Counter resends;
  public final Counter slowConsumers;
  public final Counter rateLimited;
  public final Counter offlineHooks;
  public final Counter offlineHooksDropped;

  public ImMetrics(MeterRegistry r, Supplier<Number> sessions, Supplier<Number> onlineUsers,
      Supplier<Number> dispatchQueue, Supplier<Number> presenceDropped) {
    for (WireFormat f : WireFormat.values()) {
      AtomicInteger n = new AtomicInteger();
      connections.put(f, n);
    }
    Gauge.builder("parley.im.connections", () -> connections.get(WireFormat.TCP).get())
        .description("Open IM connections").tag("transport", "tcp").register(r);
    Gauge.builder("parley.im.connections", () -> connections.get(WireFormat.WS_BINARY).get()
            + connections.get(WireFormat.WS_JSON).get())
        .description("Open IM connections").tag("transport", "websocket").register(r);
    Gauge.builder("parley.im.sessions", sessions).description("Logged-in IM sessions").register(r);
    Gauge.builder("parley.im.users.online", onlineUsers).description("Users with at least one session").register(r);
    Gauge.builder("parley.im.dispatch.queue", dispatchQueue)
        .description("Offline-delivery notifications waiting for the hooks").register(r);
    loginsOk = Counter.builder("parley.im.logins").tag("result", "ok").description("Logins").register(r);
    loginsFailed = Counter.builder("parley.im.logins").tag("result", "failed").description("Logins").register(r);
    messagesIn = Counter.builder("parley.im.messages.in").description("Messages stored from clients").register(r);
    messagesOut = Counter.builder("parley.im.messages.out").description("Messages pushed to devices").register(r);
    acks = Counter.builder("parley.im.acks").description("Acknowledgement frames from devices").register(r);
    resends = Counter.builder("parley.im.resends").description("Messages pushed again for want of an ack")
        .register(r);
    slowConsumers = Counter.builder("parley.im.slow.consumers")
        .description("Connections closed because they did not read or ack fast enough").register(r);
    rateLimited = Counter.builder("parley.im.rate.limited").description("Requests refused by rate limits")
        .register(r);
    offlineHooks = Counter.builder("parley.im.offline.notifications")
        .description("Messages handed to offline-delivery hooks").register(r);
    FunctionCounter.builder("parley.im.presence.dropped", presenceDropped, p -> p.get().doubleValue())
        .description("Presence changes not announced because too many were waiting").register(r);
    offlineHooksDropped = Counter.builder("parley.im.offline.notifications.dropped")
        .description("Offline-delivery notifications dropped because the hook queue was full").register(r);
  }

  public AtomicInteger connections(WireFormat format) {
    return connections.get(format);
  }
}
