package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import org.junit.jupiter.api.Test;

class JsonFramesTest {
  @Test
  void sendRoundTripsThroughCanonicalJson() throws Exception {
    Frame frame = Frame.newBuilder().setReq(3).setSend(Send.newBuilder().setClientId("c-1").setToUser("bob")
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText("hi")).build();
    String json = JsonFrames.toJson(frame);
    assertThat(json).isEqualTo(
        "{\"req\":3,\"send\":{\"clientId\":\"c-1\",\"toUser\":\"bob\",\"kind\":\"MESSAGE_KIND_TEXT\",\"text\":\"hi\"}}");
    assertThat(JsonFrames.fromJson(json)).isEqualTo(frame);
  }

  @Test
  void unknownJsonFieldsAreIgnored() throws Exception {
    Frame frame = JsonFrames.fromJson("{\"req\":1,\"futureThing\":{\"a\":1},\"ok\":{}}");
    assertThat(frame.hasOk()).isTrue();
  }

  @Test
  void brokenJsonIsAProtocolError() {
    assertThatThrownBy(() -> JsonFrames.fromJson("{\"req\":"))
        .isInstanceOf(FrameException.class)
        .extracting(e -> ((FrameException) e).code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
  }
}
