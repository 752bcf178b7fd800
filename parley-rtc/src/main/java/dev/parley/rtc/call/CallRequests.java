package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.CallAccept;
import dev.parley.protocol.im.CallCancel;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallHangup;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallReject;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Signal;
import dev.parley.rtc.signal.Replies;
import dev.parley.rtc.signal.SignalConfig;
import dev.parley.rtc.signal.SignalMetrics;
import dev.parley.rtc.signal.SignalRoutes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parties of calls ask: invite (ring every callee device), accept (first accept wins),
 * reject, cancel, hang up, and the relay of Signal frames between the two parties of an answered
 * call. Each request is answered (Ok, CallState or Error with the request's req). Runs on the
 * signaling executor.
 */
public final class CallRequests {
  private static final Logger log = LoggerFactory.getLogger(CallRequests.class);

  private final Calls calls;
  private final SignalRoutes routes;
  private final SignalConfig config;
  private final CallMetrics metrics;
  private final SignalMetrics signals;
  private final TimeSource time;

  public CallRequests(Calls calls, SignalRoutes routes, SignalConfig config, CallMetrics metrics,
      SignalMetrics signals, TimeSource time) {
    this.calls = calls;
    this.routes = routes;
    this.config = config;
    this.metrics = metrics;
    this.signals = signals;
    this.time = time;
  }

  public void invite(ImSession s, int req, CallInvite invite) {
    assert calls.loop().inEventLoop();
    String callee = invite.getToUser();
    if (callee.isEmpty() || !Ids.isValidUser(callee)) {
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
    long ringingOut = calls.of(s.user()).stream().filter(c -> c.ringing() && c.caller.equals(s.user())).count();
    if (ringingOut >= config.maxInvitesPerUser()) {
      refuse(s, req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + config.maxInvitesPerUser()
          + " unanswered invites at once");
      return;
    }
    if (calls.busy(callee) || !calls.busyBoard().clustered()) {
      place(s, req, invite, false);
      return;
    }
    // Busy in a call another node holds? Asked before ringing; when it cannot be known, not busy.
    calls.busyBoard().elsewhere(callee).whenComplete((busy, failure) ->
        calls.loop().execute(() -> place(s, req, invite, failure == null && busy)));
  }

  /** Holds and rings the invited call, or refuses it when the callee is busy (here or, as asked, elsewhere). */
  private void place(ImSession s, int req, CallInvite invite, boolean busyElsewhere) {
    String callee = invite.getToUser();
    long now = time.millis();
    CallMedia media = invite.getMedia() == CallMedia.CALL_MEDIA_UNSPECIFIED || invite.getMedia() == CallMedia.UNRECOGNIZED
        ? CallMedia.CALL_MEDIA_AUDIO : invite.getMedia();
    Call call = new Call(calls.newId(), s, callee, media, invite.getData(), now, now + config.ringTimeout().toMillis());
    metrics.callsStarted.increment();
    if (busyElsewhere || calls.busy(callee)) {
      refuse(s, req, ErrorCode.ERROR_CODE_BUSY, callee + " is in another call");
      calls.endedBusy(call, now);
      return;
    }
    calls.add(call);
    Replies.answer(s, req, Frame.newBuilder().setCallState(call.state(call.callerParty)));
    List<ImSession> devices = routes.sessionsOf(callee);
    for (ImSession d : devices) {
      calls.ring(call, d);
    }
    if (devices.isEmpty()) {
      calls.ringingOffline(call);
    }
    log.debug("call {}: {} invites {} ({} devices online)", call.id, call.caller, callee, devices.size());
  }

  public void accept(ImSession s, int req, CallAccept accept) {
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
    call.ringTimer.cancel();
    metrics.ringing.decrementAndGet();
    metrics.active.incrementAndGet();
    metrics.callsAnswered.increment();
    calls.busyMayHaveChanged(call.callee);
    Replies.answer(s, req, Frame.newBuilder().setCallState(call.state(call.calleeParty)));
    calls.stopRinging(call, CallEndReason.CALL_END_REASON_ANSWERED_ELSEWHERE, s);
    Calls.sendState(call.callerParty, call.state(call.callerParty));
  }

  public void reject(ImSession s, int req, CallReject reject) {
    Call call = findRinging(s, req, reject.getCallId(), false);
    if (call == null) {
      return;
    }
    Replies.ok(s, req);
    calls.end(call, reject.getBusy() ? CallEndReason.CALL_END_REASON_BUSY : CallEndReason.CALL_END_REASON_DECLINED,
        s.user(), s);
  }

  public void cancel(ImSession s, int req, CallCancel cancel) {
    Call call = findRinging(s, req, cancel.getCallId(), true);
    if (call == null) {
      return;
    }
    Replies.ok(s, req);
    calls.end(call, CallEndReason.CALL_END_REASON_CANCELLED, s.user(), null);
  }

  /**
   * Ends an answered call, from one of its two sessions only; on a ringing call it is a cancel from
   * the inviting session or a reject from a callee device. Any other session, the parties'
   * other devices included, gets CALL_NOT_FOUND: it is not in the call.
   */
  public void hangup(ImSession s, int req, CallHangup hangup) {
    Call call = calls.get(hangup.getCallId());
    boolean mayEnd = call != null && (call.ringing() ? call.callerParty.is(s) || call.callee.equals(s.user()) : call.partyOf(s) != null);
    if (!mayEnd) {
      refuse(s, req, ErrorCode.ERROR_CODE_CALL_NOT_FOUND, "no call " + hangup.getCallId() + " with this session in it");
      return;
    }
    Replies.ok(s, req);
    if (call.ringing()) {
      boolean byCaller = call.callerParty.is(s);
      calls.end(call, byCaller ? CallEndReason.CALL_END_REASON_CANCELLED : CallEndReason.CALL_END_REASON_DECLINED,
          s.user(), byCaller ? null : s);
    } else {
      calls.end(call, CallEndReason.CALL_END_REASON_HANGUP, s.user(), null);
    }
  }

  /** A Signal with a call id: relayed to the other party's session. */
  public void signal(ImSession s, int req, Signal signal) {
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
      signals.relayed();
    }
    if (req != 0) {
      Replies.ok(s, req);
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

  private void refuse(ImSession s, int req, ErrorCode code, String message) {
    signals.refused();
    Replies.refuse(s, req, code, message);
  }
}
