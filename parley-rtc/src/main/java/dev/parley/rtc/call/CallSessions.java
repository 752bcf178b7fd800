package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.rtc.signal.SignalConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls as sessions come and go: a device that drops keeps its place for the reconnect grace and
 * resumes the call when it logs in again (both parties are told, the other restarts ICE); a callee
 * device that logs in while a call to its user rings is rung too. Runs on the signaling executor.
 */
public final class CallSessions {
  private static final Logger log = LoggerFactory.getLogger(CallSessions.class);

  private final Calls calls;
  private final SignalConfig config;
  private final CallMetrics metrics;
  private final TimeSource time;

  public CallSessions(Calls calls, SignalConfig config, CallMetrics metrics, TimeSource time) {
    this.calls = calls;
    this.config = config;
    this.metrics = metrics;
    this.time = time;
  }

  /** A session logged in: resume a call of its device, or ring it if a call to its user rings. */
  public void opened(ImSession s) {
    for (Call call : List.copyOf(calls.of(s.user()))) {
      Call.Party p = call.callerParty.sameDevice(s) ? call.callerParty
          : call.calleeParty != null && call.calleeParty.sameDevice(s) ? call.calleeParty : null;
      if (p != null) {
        resume(call, p, s);
      } else if (call.ringing() && call.callee.equals(s.user())) {
        calls.ring(call, s);
      }
    }
  }

  /** A session closed: its calls wait for the device to come back, up to the grace. */
  public void closed(ImSession s) {
    for (Call call : List.copyOf(calls.of(s.user()))) {
      call.ringing.removeIf(r -> r.sessionId().equals(s.sessionId()));
      Call.Party p = call.partyOf(s);
      if (p != null) {
        p.session = null;
        p.graceTimer.cancel();
        p.graceTimer = time.schedule(calls.loop(), () -> {
          if (p.session == null && calls.get(call.id) == call) {
            calls.end(call, CallEndReason.CALL_END_REASON_CONNECTION_LOST, "", null);
          }
        }, config.reconnectGrace());
        log.debug("call {}: {} on {} dropped, waiting {}", call.id, p.user, p.deviceId, config.reconnectGrace());
      }
    }
  }

  private void resume(Call call, Call.Party p, ImSession s) {
    p.attach(s);
    metrics.callsResumed.increment();
    Calls.sendState(p, call.state(p).setResumed(true));
    Call.Party other = call.active() ? call.other(p) : null;
    if (other != null) {
      Calls.sendState(other, call.state(other).setResumed(true).setRestartIce(true));
    }
    log.debug("call {}: {} resumed on session {}", call.id, p.user, s.sessionId());
  }
}
