package dev.parley.rtc.call;

import dev.parley.protocol.im.CallEndReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of calls: {@code parley_rtc_calls_*} and {@code parley_rtc_signals_dropped}. */
public final class CallMetrics {
  final Counter callsStarted;
  final Counter callsAnswered;
  final Counter callsResumed;
  final Counter signalsDropped;
  /** Calls ringing and answered now (written by the signaling executor). */
  final AtomicInteger ringing = new AtomicInteger();
  final AtomicInteger active = new AtomicInteger();
  private final Map<CallEndReason, Counter> ended = new EnumMap<>(CallEndReason.class);

  public CallMetrics(MeterRegistry r) {
    callsStarted = Counter.builder("parley.rtc.calls.started").description("Calls invited").register(r);
    callsAnswered = Counter.builder("parley.rtc.calls.answered").description("Calls accepted by a callee device")
        .register(r);
    callsResumed = Counter.builder("parley.rtc.calls.resumed")
        .description("Call parties that came back within the reconnect grace").register(r);
    signalsDropped = Counter.builder("parley.rtc.signals.dropped")
        .description("Signal frames dropped because the peer was reconnecting").register(r);
    for (CallEndReason reason : CallEndReason.values()) {
      if (reason != CallEndReason.UNRECOGNIZED && reason != CallEndReason.CALL_END_REASON_UNSPECIFIED) {
        ended.put(reason, Counter.builder("parley.rtc.calls.ended").description("Calls ended, by reason")
            .tag("reason", CallRecords.reasonName(reason)).register(r));
      }
    }
    Gauge.builder("parley.rtc.calls.ringing", ringing::get).description("Calls ringing now").register(r);
    Gauge.builder("parley.rtc.calls.active", active::get).description("Answered calls now").register(r);
  }

  void ended(CallEndReason reason) {
    Counter c = ended.get(reason);
    if (c != null) {
      c.increment();
    }
  }
}
