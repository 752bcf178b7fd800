package dev.parley.rtc.call;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import java.util.ArrayList;
import java.util.List;
import dev.parley.core.time.Cancellable;

/**
 * One call between a caller and a callee. Touched only on the signaling executor (see
 * {@link Signaling}), so it needs no locks.
 */
final class Call {
  /** One side of a call: a user's device, and its session while connected. */
  static final class Party {
    final String user;
    final String deviceId;
    /** Null while the device is disconnected within the reconnect grace. */
    ImSession session;
    /** The session that was last connected (for the call state after a drop). */
    String lastSessionId;
    Cancellable graceTimer = Cancellable.NONE;

    Party(ImSession session) {
      this.user = session.user();
      this.deviceId = session.deviceId();
      this.session = session;
      this.lastSessionId = session.sessionId();
    }

    boolean is(ImSession s) {
      return session != null && session.sessionId().equals(s.sessionId());
    }

    boolean sameDevice(ImSession s) {
      return user.equals(s.user()) && deviceId.equals(s.deviceId());
    }

    void attach(ImSession s) {
      session = s;
      lastSessionId = s.sessionId();
      graceTimer.cancel();
      graceTimer = Cancellable.NONE;
    }
  }

  final String id;
  final String caller;
  final String callee;
  final CallMedia media;
  final String data;
  final long createdAt;
  final long expiresAt;
  final Party callerParty;
  /** The callee device that answered; null while ringing. */
  Party calleeParty;
  /** Callee sessions that were sent CallRing and have not been told to stop. */
  final List<ImSession> ringing = new ArrayList<>();
  CallStatus status = CallStatus.CALL_STATUS_RINGING;
  long answeredAt;
  Cancellable ringTimer = Cancellable.NONE;
  CallEndReason endReason = CallEndReason.CALL_END_REASON_UNSPECIFIED;
  String endedBy = "";
  long endedAt;

  Call(String id, ImSession caller, String callee, CallMedia media, String data, long now, long expiresAt) {
    this.id = id;
    this.caller = caller.user();
    this.callee = callee;
    this.media = media;
    this.data = data;
    this.createdAt = now;
    this.expiresAt = expiresAt;
    this.callerParty = new Party(caller);
  }

  boolean ringing() {
    return status == CallStatus.CALL_STATUS_RINGING;
  }

  boolean active() {
    return status == CallStatus.CALL_STATUS_ACTIVE;
  }

  /** The party whose session is {@code s}, or null. */
  Party partyOf(ImSession s) {
    if (callerParty.is(s)) {
      return callerParty;
    }
    return calleeParty != null && calleeParty.is(s) ? calleeParty : null;
  }

  Party other(Party p) {
    return p == callerParty ? calleeParty : callerParty;
  }

  long durationMs() {
    return answeredAt == 0 ? 0 : Math.max(0, endedAt - answeredAt);
  }

  /** The call's state as seen by {@code forParty} (which decides {@code polite}). */
  CallState.Builder state(Party forParty) {
    CallState.Builder b = CallState.newBuilder().setCallId(id).setStatus(status).setCaller(caller).setCallee(callee)
        .setMedia(media).setCallerSession(callerParty.lastSessionId)
        .setExpiresAt(ringing() ? expiresAt : 0).setAnsweredAt(answeredAt)
        .setPolite(forParty != null && forParty == calleeParty);
    if (calleeParty != null) {
      b.setCalleeSession(calleeParty.lastSessionId);
    }
    if (status == CallStatus.CALL_STATUS_ENDED) {
      b.setReason(endReason).setEndedBy(endedBy).setDurationMs(durationMs());
    }
    return b;
  }
}
