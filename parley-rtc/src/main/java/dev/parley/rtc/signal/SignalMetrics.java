package dev.parley.rtc.signal;

import dev.parley.protocol.im.CallEndReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of call and room signaling: {@code parley_rtc_calls_*}, {@code parley_rtc_rooms*}, {@code parley_rtc_signals_*}. */
public final class SignalMetrics {
  final Counter callsStarted;
  final Counter callsAnswered;
  final Counter callsResumed;
  final Counter signalsRelayed;
  final Counter signalsDropped;
  final Counter refused;
  final AtomicInteger ringing = new AtomicInteger();
  final AtomicInteger active = new AtomicInteger();
  /** Rooms held now and participants in them (written by the signaling executor). */
  public final AtomicInteger rooms = new AtomicInteger();
  public final AtomicInteger participants = new AtomicInteger();
  private final Map<CallEndReason, Counter> ended = new EnumMap<>(CallEndReason.class);

  public SignalMetrics(MeterRegistry r) {
    callsStarted = Counter.builder("parley.rtc.calls.started").description("Calls invited").register(r);
    callsAnswered = Counter.builder("parley.rtc.calls.answered").description("Calls accepted by a callee device")
        .register(r);
    callsResumed = Counter.builder("parley.rtc.calls.resumed")
        .description("Call parties that came back within the reconnect grace").register(r);
    signalsRelayed = Counter.builder("parley.rtc.signals.relayed").description("Signal frames relayed").register(r);
    signalsDropped = Counter.builder("parley.rtc.signals.dropped")
        .description("Signal frames dropped because the peer was reconnecting").register(r);
    refused = Counter.builder("parley.rtc.signaling.refused").description("Signaling requests answered with Error")
        .register(r);
    for (CallEndReason reason : CallEndReason.values()) {
      if (reason != CallEndReason.UNRECOGNIZED && reason != CallEndReason.CALL_END_REASON_UNSPECIFIED) {
        ended.put(reason, Counter.builder("parley.rtc.calls.ended").description("Calls ended, by reason")
            .tag("reason", CallRecords.reasonName(reason)).register(r));
      }
    }
    Gauge.builder("parley.rtc.calls.ringing", ringing::get).description("Calls ringing now").register(r);
    Gauge.builder("parley.rtc.calls.active", active::get).description("Answered calls now").register(r);
    Gauge.builder("parley.rtc.rooms", rooms::get).description("Rooms held now").register(r);
    Gauge.builder("parley.rtc.rooms.participants", participants::get).description("Participants in rooms now")
        .register(r);
  }

  void ended(CallEndReason reason) {
    Counter c = ended.get(reason);
    if (c != null) {
      c.increment();
    }
  }

  /** A signaling request was refused. */
  public void refused() {
    refused.increment();
  }

  /** A signal frame was relayed. */
  public void relayed() {
    signalsRelayed.increment();
  }
}
