package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The long-term credential mechanism with REST usernames. */
class TurnAuthTest {
  static final TimeSource CLOCK = new ManualTime();
  static TestKernel server;

  @BeforeAll
  static void start() {
    server = RtcTestServers.builder(CLOCK).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static TurnTestClient client() {
    return TurnTestClient.udp(RtcTestServers.module(server).udpPort());
  }

  @Test
  void requestWithoutCredentialsIsChallengedWithRealmAndNonce() {
    try (TurnTestClient c = client()) {
      StunMessage r = c.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
      assertThat(r.text(StunAttr.REALM)).isEqualTo("parley");
      assertThat(r.text(StunAttr.NONCE)).isNotBlank();
      assertThat(r.hasIntegrity()).isFalse();
    }
  }

  @Test
  void wrongPasswordIsRefusedAndCounted() {
    try (TurnTestClient c = client().credentials("9999999999:alice", "not-the-password")) {
      StunMessage r = c.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
      assertThat(TurnTestClient.reason(r)).contains("wrong credentials");
      assertThat(new HttpTestClient(server.httpBase()).get("/metrics", null).body())
          .contains("parley_rtc_auth_failures_total{reason=\"bad_integrity\"");
    }
  }

  @Test
  void usernameThatIsNotExpiryColonUserIsRefused() {
    try (TurnTestClient c = client().credentials("alice", "x")) {
      StunMessage r = c.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
      assertThat(TurnTestClient.reason(r)).contains("expiry:userId");
    }
  }

  @Test
  void otherRealmIsRefused() {
    try (TurnTestClient c = RtcTestServers.withCredentials(client(), "bob", CLOCK)) {
      c.allocateRequest(-1);
      byte[] tid = TurnTestClient.transactionId();
      byte[] wrongRealm = StunMessageBuilder.of(StunMethod.ALLOCATE, StunMethod.REQUEST, tid)
          .add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
          .text(StunAttr.USERNAME, "9999999999:bob").text(StunAttr.REALM, "elsewhere").text(StunAttr.NONCE, c.nonce())
          .build(new byte[16], StunMessageBuilder.Integrity.SHA1, false);
      assertThat(TurnTestClient.errorCode(c.exchange(wrongRealm))).isEqualTo(401);
    }
  }

  @Test
  void integrityWithoutNonceIsABadRequest() {
    try (TurnTestClient c = client()) {
      byte[] noNonce = StunMessageBuilder.of(StunMethod.ALLOCATE, StunMethod.REQUEST, TurnTestClient.transactionId())
          .add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}).text(StunAttr.USERNAME, "9999999999:x")
          .build(new byte[16], StunMessageBuilder.Integrity.SHA1, false);
      assertThat(TurnTestClient.errorCode(c.exchange(noNonce))).isEqualTo(400);
    }
  }

  @Test
  void forgedNonceGets438() {
    try (TurnTestClient c = RtcTestServers.withCredentials(client(), "carol", CLOCK)) {
      c.allocateRequest(-1);
      c.expectSuccess(c.refresh(0));
      c.nonce("ffffffffffff.AAAAAAAAAAAAAAAA");
      StunMessage r = c.exchange(c.build(StunMethod.REFRESH, TurnTestClient.transactionId(), b -> { }));
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(438);
    }
  }

  @Test
  void sha256IntegrityIsAcceptedAndAnsweredInKind() {
    try (TurnTestClient c = RtcTestServers.withCredentials(client(), "dave", CLOCK).useSha256()) {
      StunMessage r = c.allocateRequest(-1);
      assertThat(r.cls()).isEqualTo(StunMethod.SUCCESS);
      assertThat(r.hasIntegritySha256()).isTrue();
      assertThat(r.verifyIntegritySha256(c.key())).isTrue();
      c.expectSuccess(c.refresh(0));
    }
  }
}
