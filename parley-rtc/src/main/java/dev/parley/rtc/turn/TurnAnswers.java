package dev.parley.rtc.turn;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;

/**
 * How TURN answers a request: success responses signed with the key of the request's credentials,
 * error responses signed when the request authenticated, with REALM and a fresh NONCE for 401
 * and 438.
 */
final class TurnAnswers {
  private final Authenticator authenticator;

  TurnAnswers(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** {@code b} with MESSAGE-INTEGRITY (SHA-256 if the request used it) and FINGERPRINT if the request had one. */
  static byte[] sign(StunMessageBuilder b, StunMessage request, Authenticator.Result auth) {
    StunMessageBuilder.Integrity kind = auth.sha256() ? StunMessageBuilder.Integrity.SHA256 : StunMessageBuilder.Integrity.SHA1;
    return b.build(auth.key(), kind, request.hasFingerprint());
  }

  /** Sends the error response {@code code} to {@code m}; {@code auth} is null before authentication. */
  void error(ClientLink link, StunMessage m, Authenticator.Result auth, int code, String reason) {
    StunMessageBuilder b = StunMessageBuilder.responseTo(m, StunMethod.ERROR).error(code, reason);
    if (code == 401 || code == 438) {
      b.text(StunAttr.REALM, authenticator.realm());
      b.text(StunAttr.NONCE, authenticator.freshNonce(link.remote().getAddress().getAddress()));
    }
    if (auth != null && auth.ok()) {
      link.sendControl(sign(b, m, auth));
    } else {
      link.sendControl(b.build(null, StunMessageBuilder.Integrity.NONE, m.hasFingerprint()));
    }
  }
}
