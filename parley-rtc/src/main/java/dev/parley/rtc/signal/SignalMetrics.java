package dev.parley.rtc.signal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters calls and rooms share: {@code parley_rtc_signaling_refused} and
 * {@code parley_rtc_signals_relayed}. Calls and rooms have their own besides.
 */
public final class SignalMetrics {
  private final Counter signalsRelayed;
  private final Counter refused;

  public SignalMetrics(MeterRegistry r) {
    signalsRelayed = Counter.builder("parley.rtc.signals.relayed").description("Signal frames relayed").register(r);
    refused = Counter.builder("parley.rtc.signaling.refused").description("Signaling requests answered with Error")
        .register(r);
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
