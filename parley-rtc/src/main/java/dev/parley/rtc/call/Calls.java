package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallRing;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.Frame;
import dev.parley.rtc.signal.CallBusy;
import dev.parley.rtc.signal.SignalConfig;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls held now, by id and by the users in them, and what happens to a call whichever
 * request or event moves it: ringing a device, telling the devices still ringing to stop, sending
 * each party its state, and the end (state ENDED to both parties, the record in the conversation).
 * The requests of the parties are {@link CallRequests}, sessions coming and going
 * {@link CallSessions}. Every method runs on the signaling executor, which owns all call state.
 */
public final class Calls {
  private static final Logger log = LoggerFactory.getLogger(Calls.class);
  private static final char[] ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private final EventExecutor loop;
  private final SignalConfig config;
  private final CallMetrics metrics;
  private final CallRecords records;
  private final TimeSource time;
  private final String idSuffix;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Call> calls = new HashMap<>();
  /** Calls a user takes part in (as caller or callee, ringing or active). */
  private final Map<String, Set<Call>> byUser = new HashMap<>();
  /** The users {@link #busy} in these calls, as last told to {@link #busyBoard}. */
  private final Set<String> toldBusy = new HashSet<>();
  private CallBusy busyBoard = CallBusy.LOCAL;

  /** Timers run on {@code loop}, the signaling executor; records go through {@code gateway}. */
  public Calls(EventExecutor loop, ImGateway gateway, SignalConfig config, CallMetrics metrics, TimeSource time) {
    this(loop, gateway, config, metrics, time, "");
  }

  /** Like the other, with {@code idSuffix} after every call id (the node that holds the calls). */
  public Calls(EventExecutor loop, ImGateway gateway, SignalConfig config, CallMetrics metrics, TimeSource time,
      String idSuffix) {
    this.loop = loop;
    this.idSuffix = idSuffix;
    this.config = config;
    this.metrics = metrics;
    this.records = new CallRecords(gateway);
    this.time = time;
  }

  EventExecutor loop() {
    return loop;
  }

  /** The call {@code id}, or null. */
  Call get(String id) {
    return calls.get(id);
  }

  /** Calls {@code user} takes part in. Do not modify. */
  Set<Call> of(String user) {
    return byUser.getOrDefault(user, Set.of());
  }

  /** In a call already: answered, or calling someone (an unanswered invite to the user does not count). */
  boolean busy(String user) {
    for (Call c : of(user)) {
      if (c.active() || c.caller.equals(user)) {
        return true;
      }
    }
    return false;
  }

  /** Tells {@code board} who becomes busy and free in these calls (set before the first call). */
  public void tellBusy(CallBusy board) {
    this.busyBoard = board;
  }

  CallBusy busyBoard() {
    return busyBoard;
  }

  /** Tells the busy board when whether {@code user} is {@link #busy} changed. */
  void busyMayHaveChanged(String user) {
    boolean now = busy(user);
    if (now ? toldBusy.add(user) : toldBusy.remove(user)) {
      busyBoard.changed(user, now);
    }
  }

  /** A fresh call id: 16 random letters and digits, then the id suffix. */
  String newId() {
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(id) + idSuffix;
  }

  /** Holds a new ringing call until it is answered, ends or rings out. */
  void add(Call call) {
    calls.put(call.id, call);
    byUser.computeIfAbsent(call.caller, u -> new LinkedHashSet<>()).add(call);
    byUser.computeIfAbsent(call.callee, u -> new LinkedHashSet<>()).add(call);
    metrics.ringing.incrementAndGet();
    call.ringTimer = time.schedule(loop, () -> timeout(call), config.ringTimeout());
    busyMayHaveChanged(call.caller);
  }

  /** An invite refused at {@code now} because the callee is busy: never held, but it ends and leaves its record. */
  void endedBusy(Call call, long now) {
    call.status = CallStatus.CALL_STATUS_ENDED;
    call.endReason = CallEndReason.CALL_END_REASON_BUSY;
    call.endedAt = now;
    metrics.ended(CallEndReason.CALL_END_REASON_BUSY);
    records.ended(call);
  }

  /** The callee had no device online when invited: a record the offline-delivery hooks see. */
  void ringingOffline(Call call) {
    records.ringingOffline(call);
  }

  /** Ends every call (server shutdown). */
  public void endAll(CallEndReason reason) {
    for (Call call : List.copyOf(calls.values())) {
      end(call, reason, "", null);
    }
  }

  /** Calls held now (ringing or answered). */
  public int count() {
    return calls.size();
  }

  private void timeout(Call call) {
    if (calls.get(call.id) == call && call.ringing()) {
      end(call, CallEndReason.CALL_END_REASON_TIMEOUT, "", null);
    }
  }

  /**
   * Ends {@code call}: tells both parties (CallState ENDED) and the devices still ringing
   * (CallStopRinging; {@code by} itself is not told, it has its answer), stores the record.
   */
  void end(Call call, CallEndReason reason, String endedBy, ImSession by) {
    if (calls.remove(call.id) == null) {
      return;
    }
    boolean wasRinging = call.ringing();
    (wasRinging ? metrics.ringing : metrics.active).decrementAndGet();
    call.status = CallStatus.CALL_STATUS_ENDED;
    call.endReason = reason;
    call.endedBy = endedBy;
    call.endedAt = time.millis();
    call.ringTimer.cancel();
    call.callerParty.graceTimer.cancel();
    if (call.calleeParty != null) {
      call.calleeParty.graceTimer.cancel();
    }
    forget(call.caller, call);
    forget(call.callee, call);
    busyMayHaveChanged(call.caller);
    busyMayHaveChanged(call.callee);
    CallEndReason stop = switch (reason) {
      case CALL_END_REASON_DECLINED, CALL_END_REASON_BUSY -> CallEndReason.CALL_END_REASON_DECLINED_ELSEWHERE;
      default -> reason;
    };
    stopRinging(call, stop, by);
    sendState(call.callerParty, call.state(call.callerParty));
    if (call.calleeParty != null) {
      sendState(call.calleeParty, call.state(call.calleeParty));
    }
    metrics.ended(reason);
    records.ended(call);
    log.debug("call {} ended: {} by '{}' after {} ms", call.id, reason, endedBy, call.durationMs());
  }

  /** Rings device {@code d} of the callee. */
  void ring(Call call, ImSession d) {
    call.ringing.add(d);
    d.send(Frame.newBuilder().setCallRing(CallRing.newBuilder().setCallId(call.id).setCaller(call.caller)
        .setMedia(call.media).setExpiresAt(call.expiresAt).setData(call.data)
        .setCallerSession(call.callerParty.lastSessionId)).build());
  }

  /** Tells every device still ringing, but {@code except}, to stop. */
  void stopRinging(Call call, CallEndReason reason, ImSession except) {
    Frame stop = Frame.newBuilder().setCallStopRinging(CallStopRinging.newBuilder().setCallId(call.id)
        .setReason(reason)).build();
    for (ImSession d : call.ringing) {
      if (except == null || !d.sessionId().equals(except.sessionId())) {
        d.send(stop);
      }
    }
    call.ringing.clear();
  }

  /** Sends party {@code p} the call's state, unless it is reconnecting. */
  static void sendState(Call.Party p, CallState.Builder state) {
    if (p.session != null) {
      p.session.send(Frame.newBuilder().setCallState(state).build());
    }
  }

  private void forget(String user, Call call) {
    Set<Call> set = byUser.get(user);
    if (set != null && set.remove(call) && set.isEmpty()) {
      byUser.remove(user);
    }
  }
}
