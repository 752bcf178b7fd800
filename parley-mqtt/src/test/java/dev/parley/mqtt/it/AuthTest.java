package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials, anonymous access and the default access rules, with their reason codes. */
class AuthTest {
  static MqttPacket.Connect connect(int level, String id, String user, String password) {
    return new MqttPacket.Connect(level, true, 60, Properties.NONE, id, null, user,
        password == null ? null : password.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anonymousLoopbackClientsGetPublicOnly() throws IOException {
    try (TestKernel k = MqttServer.start(); RawClient c = new RawClient(k.port("mqtt"), MqttVersion.V5)) {
      assertThat(c.connect("anon").reasonCode()).isZero();
      c.send(new MqttPacket.Subscribe(1, 0, List.of(), List.of(new MqttPacket.Subscription("public/x", 1),
          new MqttPacket.Subscription("users/alice/#", 1), new MqttPacket.Subscription("#", 0))));
      MqttPacket.SubAck ack = (MqttPacket.SubAck) c.read();
      assertThat(ack.reasonCodes()).containsExactly(1, ReasonCode.NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED);
      assertThat(ack.props().reasonString).isNotBlank();
      c.send(new MqttPacket.Publish("users/alice/messages", 1, false, 2, "x".getBytes()));
      MqttPacket.PubReply r = (MqttPacket.PubReply) c.read();
      assertThat(r.type()).isEqualTo(PacketType.PUBACK);
      assertThat(r.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    }
  }

  @Test
  void anonymousAccessCanBeSwitchedOff() throws IOException {
    try (TestKernel k = MqttServer.start(Map.of("mqtt.auth.anonymous-loopback", "false"));
        RawClient v5 = new RawClient(k.port("mqtt"), MqttVersion.V5);
        RawClient v3 = new RawClient(k.port("mqtt"), MqttVersion.V3_1_1);
        RawClient user = new RawClient(k.port("mqtt"), MqttVersion.V3_1_1)) {
      assertThat(v5.connect("anon5").reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      assertThat(v3.connect("anon3").reasonCode()).isEqualTo(ReasonCode.V3_NOT_AUTHORIZED);
      user.send(connect(MqttVersion.V3_1_1, "bob-1", "bob", k.token("bob")));
      assertThat(((MqttPacket.ConnAck) user.read()).reasonCode()).isZero();
    }
  }

  @Test
  void badCredentialsAreRefusedWithTheirCode() throws IOException {
    try (TestKernel k = MqttServer.start(Map.of("mqtt.auth.devices", List.of("dev-1:sha256:"
        + "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b")));
        RawClient wrongUser = new RawClient(k.port("mqtt"), MqttVersion.V5);
        RawClient badToken = new RawClient(k.port("mqtt"), MqttVersion.V3_1_1);
        RawClient device = new RawClient(k.port("mqtt"), MqttVersion.V5)) {
      wrongUser.send(connect(MqttVersion.V5, "w", "mallory", k.token("alice")));
      assertThat(((MqttPacket.ConnAck) wrongUser.read()).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
      badToken.send(connect(MqttVersion.V3_1_1, "b", "alice", "garbage"));
      assertThat(((MqttPacket.ConnAck) badToken.read()).reasonCode())
          .isEqualTo(ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD);
      // SHA-256("secret") configured as hex.
      device.send(connect(MqttVersion.V5, "d", "dev-1", "secret"));
      assertThat(((MqttPacket.ConnAck) device.read()).reasonCode()).isZero();
    }
  }
}
