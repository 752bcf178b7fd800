package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigSchema;
import dev.parley.rtc.config.RtcKeys;
import dev.parley.rtc.stun.TransportAddress;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the TURN settings make of the configuration: the relay policy of the server's own addresses. */
class TurnConfigTest {
  static Config.Builder config() {
    return Config.builder(new ConfigSchema().add(RtcKeys.all()));
  }

  static TransportAddress at(String ip) throws Exception {
    return new TransportAddress(InetAddress.getByName(ip).getAddress(), 5000);
  }

  @Test
  void relayAndExternalAddressesAreNoRelayTargets() throws Exception {
    TurnConfig c = TurnConfig.from(config().set("rtc.turn.relay-ip", "127.0.0.1").set("rtc.turn.external-ip", "1.2.3.4")
        .set("rtc.turn.allowed-peers", "127.0.0.0/8").build());
    assertThat(c.policy().deniedReason(at("1.2.3.4"))).contains("own address");
    assertThat(c.policy().deniedReason(at("1.2.3.5"))).isNull();
    assertThat(c.policy().deniedReason(at("127.0.0.1"))).as("allowed explicitly").isNull();
  }

  @Test
  void anAllowedOwnAddressIsRelayable() throws Exception {
    TurnConfig c = TurnConfig.from(config().set("rtc.turn.external-ip", "1.2.3.4")
        .set("rtc.turn.allowed-peers", "1.2.3.4/32").build());
    assertThat(c.policy().deniedReason(at("1.2.3.4"))).isNull();
  }

  @Test
  void withAWildcardRelayEveryHostAddressIsOwn() throws Exception {
    assertThat(TurnConfig.ownAddresses(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("1.2.3.4"), null))
        .contains(InetAddress.getByName("1.2.3.4"), InetAddress.getByName("127.0.0.1"));
    assertThat(TurnConfig.ownAddresses(InetAddress.getByName("5.6.7.8"), InetAddress.getByName("1.2.3.4"), null))
        .containsExactly(InetAddress.getByName("5.6.7.8"), InetAddress.getByName("1.2.3.4"));
  }

  @Test
  void theDefaultUserQuotaFitsAFullRoomOfTheLargestCapacity() {
    // Chromium opens one allocation per TURN URL (UDP and TCP here) for each peer connection.
    assertThat(TurnConfig.from(config().build()).userQuota()).isEqualTo(16 * 2);
    assertThat(TurnConfig.from(config().set("rtc.turn.tls.enabled", true).build()).userQuota()).isEqualTo(16 * 3);
    assertThat(TurnConfig.from(config().set("rtc.room.max-capacity", 6).set("rtc.turn.tcp.enabled", false).build())
        .userQuota()).isEqualTo(6);
    assertThat(TurnConfig.from(config().set("rtc.turn.user-quota", 5).build()).userQuota()).isEqualTo(5);
    assertThat(TurnConfig.from(config().set("rtc.turn.user-quota", 0).build()).userQuota()).isZero();
  }

  @Test
  void aConfiguredQuotaBelowWhatAFullRoomNeedsIsNamedAtStart() {
    // The old default 10: a user in a room of 8 needs 7 peer connections x 2 URLs = 14.
    assertThat(TurnConfig.userQuotaWarning(config().set("rtc.turn.user-quota", 10).build()))
        .contains("10").contains("14").contains("full room of 8");
    assertThat(TurnConfig.userQuotaWarning(config().set("rtc.turn.user-quota", 14).build())).isNull();
    assertThat(TurnConfig.userQuotaWarning(config().set("rtc.turn.user-quota", 0).build())).isNull();
    assertThat(TurnConfig.userQuotaWarning(config().build())).isNull();
  }
}
