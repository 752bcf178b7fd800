package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.CallAccept;
import dev.parley.protocol.im.CallCancel;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallHangup;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallReject;
import dev.parley.protocol.im.CallRing;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Signal;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls: invite, ring every callee device, first accept wins, reject, cancel, busy, timeout,
 * hangup, reconnect grace, and the relay of Signal frames between the two parties. Every method
 * runs on the signaling executor ({@link Signaling}); that single thread owns all call state.
 */
final class Calls {
  private static final Logger log = LoggerFactory.getLogger(Calls.class);
  private static final char[] ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private final EventExecutor loop;
  private final ImGateway gateway;
  private final SignalConfig config;
  private final SignalMetrics metrics;
  private final CallRecords records;
  private final TimeSource time;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Call> calls = new HashMap<>();
  /** Calls a user takes part in (as caller or callee, ringing or active). */
  private final Map<String, Set<Call>> byUser = new HashMap<>();

  Calls(EventExecutor loop, ImGateway gateway, SignalConfig config, SignalMetrics metrics, TimeSource time) {
    this.loop = loop;
    this.gateway = gateway;
    this.config = config;
    this.metrics = metrics;
    this.records = new CallRecords(gateway);
    this.time = time;
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  void invite(ImSession s, int req, CallInvite invite) {
    assert loop.inEventLoop();
    String callee = invite.getToUser();
    if (callee.isEmpty() || !dev.parley.protocol.Ids.isValidUser(callee)) {
      refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, "call_invite.to_user must name a user");
      return;
    }
    if (callee.equals(s.user())) {
      refuse(s, req, ErrorCode.ERROR_CODE_NOT_FOUND, "cannot call yourself");
      return;
    }
    if (invite.getDataBytes().size() > config.maxPayload()) {
      refuse(s, req, ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE, "call_invite.data is over " + config.maxPayload() + " bytes");
      return;
    }
    long ringingOut = callsOf(s.user()).stream().filter(c -> c.ringing() && c.caller.equals(s.user())).count();
    if (ringingOut >= config.maxInvitesPerUser()) {
      refuse(s, req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + config.maxInvitesPerUser()
          + " unanswered invites at once");
      return;
    }
    long now = time.millis();
    CallMedia media = invite.getMedia() == CallMedia.CALL_MEDIA_UNSPECIFIED || invite.getMedia() == CallMedia.UNRECOGNIZED
        ? CallMedia.CALL_MEDIA_AUDIO : invite.getMedia();
    Call call = new Call(newId(), s, callee, media, invite.getData(), now, now + config.ringTimeout().toMillis());
    metrics.callsStarted.increment();
    if (busy(callee)) {
      refuse(s, req, ErrorCode.ERROR_CODE_BUSY, callee + " is in another call");
      call.status = CallStatus.CALL_STATUS_ENDED;
      call.endReason = CallEndReason.CALL_END_REASON_BUSY;
      call.endedAt = now;
      metrics.ended(CallEndReason.CALL_END_REASON_BUSY);
      records.ended(call);
      return;
    }
    calls.put(call.id, call);
    byUser.computeIfAbsent(call.caller, u -> new LinkedHashSet<>()).add(call);
    byUser.computeIfAbsent(callee, u -> new LinkedHashSet<>()).add(call);
    metrics.ringing.incrementAndGet();
    call.ringTimer = time.schedule(loop, () -> timeout(call), config.ringTimeout());
    Replies.answer(s, req, Frame.newBuilder().setCallState(call.state(call.callerParty)));
    List<ImSession> devices = gateway.sessions(callee);
    for (ImSession d : devices) {
      ring(call, d);
    }
    if (devices.isEmpty()) {
      records.ringingOffline(call);
    }
    log.debug("call {}: {} invites {} ({} devices online)", call.id, call.caller, callee, devices.size());
  }

  void accept(ImSession s, int req, CallAccept accept) {
    Call call = find(s, req, accept.getCallId(), false);
    if (call == null) {
      return;
    }
    if (!call.ringing()) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_STATE, call.calleeParty != null && !call.calleeParty.is(s)
          ? "the call was answered on another device" : "the call is already answered");
      return;
    }
    call.status = CallStatus.CALL_STATUS_ACTIVE;
    call.answeredAt = time.millis();
    call.calleeParty = new Call.Party(s);
    cancel(call.ringTimer);
    metrics.ringing.decrementAndGet();
    metrics.active.incrementAndGet();
    metrics.callsAnswered.increment();
    Replies.answer(s, req, Frame.newBuilder().setCallState(call.state(call.calleeParty)));
    stopRinging(call, CallEndReason.CALL_END_REASON_ANSWERED_ELSEWHERE, s);
    sendState(call.callerParty, call.state(call.callerParty));
  }

  void reject(ImSession s, int req, CallReject reject) {
    Call call = findRinging(s, req, reject.getCallId(), false);
    if (call == null) {
      return;
    }
    Replies.ok(s, req);
    end(call, reject.getBusy() ? CallEndReason.CALL_END_REASON_BUSY : CallEndReason.CALL_END_REASON_DECLINED,
        s.user(), s);
  }

  void cancel(ImSession s, int req, CallCancel cancel) {
    Call call = findRinging(s, req, cancel.getCallId(), true);
    if (call == null) {
      return;
    }
    Replies.ok(s, req);
    end(call, CallEndReason.CALL_END_REASON_CANCELLED, s.user(), null);
  }

  /**
   * Ends an answered call, from one of its two sessions only; on a ringing call it is a cancel from
   * the inviting session or a reject from a callee device. Any other session, the parties'
   * other devices included, gets CALL_NOT_FOUND: it is not in the call.
   */
  void hangup(ImSession s, int req, CallHangup hangup) {
    Call call = calls.get(hangup.getCallId());
    boolean mayEnd = call != null && (call.ringing() ? call.callerParty.is(s) || call.callee.equals(s.user()) : call.partyOf(s) != null);
    if (!mayEnd) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_NOT_FOUND, "no call " + hangup.getCallId() + " with this session in it");
      return;
    }
    Replies.ok(s, req);
    if (call.ringing()) {
      boolean byCaller = call.callerParty.is(s);
      end(call, byCaller ? CallEndReason.CALL_END_REASON_CANCELLED : CallEndReason.CALL_END_REASON_DECLINED,
          s.user(), byCaller ? null : s);
    } else {
      end(call, CallEndReason.CALL_END_REASON_HANGUP, s.user(), null);
    }
  }

  /** A Signal with a call id: relayed to the other party's session. */
  void signal(ImSession s, int req, Signal signal) {
    Call call = calls.get(signal.getCallId());
    Call.Party from = call == null ? null : call.partyOf(s);
    if (from == null) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_NOT_FOUND, "no call " + signal.getCallId()
          + " with this session as a party");
      return;
    }
    if (!call.active()) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_STATE, "the call is not answered yet");
      return;
    }
    Call.Party to = call.other(from);
    if (!signal.getToSession().isEmpty() && !signal.getToSession().equals(to.lastSessionId)) {
      refuse(s, req, ErrorCode.ERROR_CODE_NOT_FOUND, "session " + signal.getToSession() + " is not in call " + call.id);
      return;
    }
    if (to.session == null) {
      // The peer is reconnecting: it will renegotiate (ICE restart) when it resumes.
      metrics.signalsDropped.increment();
    } else {
      to.session.send(Frame.newBuilder().setSignal(signal.toBuilder().setToSession(to.lastSessionId)
          .setFromUser(s.user()).setFromSession(s.sessionId())).build());
      metrics.relayed();
    }
    if (req != 0) {
      Replies.ok(s, req);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions coming and going

  /** A session logged in: resume a call of its device, or ring it if a call to its user rings. */
  void opened(ImSession s) {
    for (Call call : List.copyOf(callsOf(s.user()))) {
      Call.Party p = call.callerParty.sameDevice(s) ? call.callerParty
          : call.calleeParty != null && call.calleeParty.sameDevice(s) ? call.calleeParty : null;
      if (p != null) {
        resume(call, p, s);
      } else if (call.ringing() && call.callee.equals(s.user())) {
        ring(call, s);
      }
    }
  }

  /** A session closed: its calls wait for the device to come back, up to the grace. */
  void closed(ImSession s) {
    for (Call call : List.copyOf(callsOf(s.user()))) {
      call.ringing.removeIf(r -> r.sessionId().equals(s.sessionId()));
      Call.Party p = call.partyOf(s);
      if (p != null) {
        p.session = null;
        cancel(p.graceTimer);
        p.graceTimer = time.schedule(loop, () -> {
          if (p.session == null && calls.get(call.id) == call) {
            end(call, CallEndReason.CALL_END_REASON_CONNECTION_LOST, "", null);
          }
        }, config.reconnectGrace());
        log.debug("call {}: {} on {} dropped, waiting {}", call.id, p.user, p.deviceId, config.reconnectGrace());
      }
    }
  }

  private void resume(Call call, Call.Party p, ImSession s) {
    p.attach(s);
    metrics.callsResumed.increment();
    sendState(p, call.state(p).setResumed(true));
    Call.Party other = call.active() ? call.other(p) : null;
    if (other != null) {
      sendState(other, call.state(other).setResumed(true).setRestartIce(true));
    }
    log.debug("call {}: {} resumed on session {}", call.id, p.user, s.sessionId());
  }

  /** Ends every call (server shutdown). */
  void endAll(CallEndReason reason) {
    for (Call call : List.copyOf(calls.values())) {
      end(call, reason, "", null);
    }
  }

  int count() {
    return calls.size();
  }

  // ---------------------------------------------------------------------------------------------

  private void timeout(Call call) {
    if (calls.get(call.id) == call && call.ringing()) {
      end(call, CallEndReason.CALL_END_REASON_TIMEOUT, "", null);
    }
  }

  /**
   * Ends {@code call}: tells both parties (CallState ENDED) and the devices still ringing
   * (CallStopRinging; {@code by} itself is not told, it has its answer), stores the record.
   */
  private void end(Call call, CallEndReason reason, String endedBy, ImSession by) {
    if (calls.remove(call.id) == null) {
      return;
    }
    boolean wasRinging = call.ringing();
    (wasRinging ? metrics.ringing : metrics.active).decrementAndGet();
    call.status = CallStatus.CALL_STATUS_ENDED;
    call.endReason = reason;
    call.endedBy = endedBy;
    call.endedAt = time.millis();
    cancel(call.ringTimer);
    cancel(call.callerParty.graceTimer);
    if (call.calleeParty != null) {
      cancel(call.calleeParty.graceTimer);
    }
    forget(call.caller, call);
    forget(call.callee, call);
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

  private void ring(Call call, ImSession d) {
    call.ringing.add(d);
    d.send(Frame.newBuilder().setCallRing(CallRing.newBuilder().setCallId(call.id).setCaller(call.caller)
        .setMedia(call.media).setExpiresAt(call.expiresAt).setData(call.data)
        .setCallerSession(call.callerParty.lastSessionId)).build());
  }

  private void stopRinging(Call call, CallEndReason reason, ImSession except) {
    Frame stop = Frame.newBuilder().setCallStopRinging(CallStopRinging.newBuilder().setCallId(call.id)
        .setReason(reason)).build();
    for (ImSession d : call.ringing) {
      if (except == null || !d.sessionId().equals(except.sessionId())) {
        d.send(stop);
      }
    }
    call.ringing.clear();
  }

  private static void sendState(Call.Party p, dev.parley.protocol.im.CallState.Builder state) {
    if (p.session != null) {
      p.session.send(Frame.newBuilder().setCallState(state).build());
    }
  }

  /**
   * The call {@code id} if {@code s} is its inviting session ({@code asCaller}) or a device of its
   * callee (every one is rung, also those that log in while it rings); otherwise answers
   * CALL_NOT_FOUND and returns null. The caller's other devices are not in the call.
   */
  private Call find(ImSession s, int req, String id, boolean asCaller) {
    Call call = calls.get(id);
    boolean in = call != null && (asCaller ? call.callerParty.is(s)
        : call.callee.equals(s.user()));
    if (!in) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_NOT_FOUND, "no call " + id + (asCaller ? " from " : " to ")
          + "this session");
      return null;
    }
    return call;
  }

  /** Like {@link #find}, for a call that must still ring (reject, cancel); refuses an answered one. */
  private Call findRinging(ImSession s, int req, String id, boolean asCaller) {
    Call call = find(s, req, id, asCaller);
    if (call != null && !call.ringing()) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_STATE, "the call is already answered; hang up instead");
      return null;
    }
    return call;
  }

  /** In a call already: answered, or calling someone (an unanswered invite to the user does not count). */
  private boolean busy(String user) {
    for (Call c : callsOf(user)) {
      if (c.active() || c.caller.equals(user)) {
        return true;
      }
    }
    return false;
  }

  private Set<Call> callsOf(String user) {
    return byUser.getOrDefault(user, Set.of());
  }

  private void forget(String user, Call call) {
    Set<Call> set = byUser.get(user);
    if (set != null && set.remove(call) && set.isEmpty()) {
      byUser.remove(user);
    }
  }

  private void refuse(ImSession s, int req, ErrorCode code, String message) {
    metrics.refused();
    Replies.refuse(s, req, code, message);
  }

  private String newId() {
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(id);
  }

  private static void cancel(Cancellable timer) {
    timer.cancel();
  }

  /** For tests and stats: calls held now. */
  List<String> ids() {
    return new ArrayList<>(calls.keySet());
  }
}
