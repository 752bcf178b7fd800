package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Platform;
import dev.parley.protocol.im.Send;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private final RecordingSink sink = new RecordingSink();
  private final List<Object> received = sink.received;

  static Frame login() {
    return Frame.newBuilder().setReq(1).setLogin(Login.newBuilder()
        .setProtocolVersion(1).setToken("t").setDeviceId("d1").setPlatform(Platform.PLATFORM_WEB)).build();
  }

  @Test
  void loginFrameHasFieldByFieldEncoding() {
    byte[] bytes = FrameCodec.encode(login());
    assertThat(bytes).containsExactly(
        0x0F,                                   // varint length: 15 bytes follow
        0x08, 0x01,                             // field 1 (req), varint: 1
        0x52, 0x0B,                             // field 10 (login), length-delimited: 11 bytes
        0x08, 0x01,                             //   field 1 (protocol_version): 1
        0x12, 0x01, 't',                        //   field 2 (token): "t"
        0x1A, 0x02, 'd', '1',                   //   field 3 (device_id): "d1"
        0x20, 0x03);                            //   field 4 (platform): PLATFORM_WEB
  }

  @Test
  void heartbeatIsTheSingleZeroByte() throws Exception {
    assertThat(FrameCodec.heartbeat()).containsExactly(0);
    new FrameReader(1024).feed(new byte[] {0, 0}, 0, 2, sink);
    assertThat(received).containsExactly("heartbeat", "heartbeat");
  }

  @Test
  void framesSplitAtEveryByteBoundaryAreReassembled() throws Exception {
    Frame send = Frame.newBuilder().setReq(7).setSend(Send.newBuilder().setClientId("c1").setToUser("bob")
        .setKind(MessageKind.MESSAGE_KIND_CUSTOM)
        .setCustom(Custom.newBuilder().setType("img").setData(ByteString.copyFrom(new byte[300])))).build();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(FrameCodec.encode(login()));
    stream.writeBytes(FrameCodec.heartbeat());
    stream.writeBytes(FrameCodec.encode(send));
    byte[] all = stream.toByteArray();
    FrameReader reader = new FrameReader(1024);
    for (byte b : all) {
      reader.feed(new byte[] {b}, 0, 1, sink);
    }
    assertThat(received).containsExactly(login(), "heartbeat", send);
  }

  @Test
  void oversizeFrameIsRefusedFromItsLengthAlone() {
    byte[] prefix = new byte[5];
    int n = Varint.write(prefix, 0, 2000);
    FrameReader reader = new FrameReader(1000);
    assertThatThrownBy(() -> reader.feed(prefix, 0, n, sink))
        .isInstanceOf(FrameException.class)
        .extracting(e -> ((FrameException) e).code()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
  }

  @Test
  void sixByteVarintIsMalformed() {
    byte[] bad = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThatThrownBy(() -> new FrameReader(1000).feed(bad, 0, bad.length, sink))
        .isInstanceOf(FrameException.class)
        .extracting(e -> ((FrameException) e).code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
  }

  @Test
  void garbageBodyIsAProtocolError() {
    byte[] bad = {0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    assertThatThrownBy(() -> new FrameReader(1000).feed(bad, 0, bad.length, sink))
        .isInstanceOf(FrameException.class)
        .extracting(e -> ((FrameException) e).code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    // field 2000, varint 5: a future field this version does not know.
    byte[] body = {0x08, 0x02, (byte) 0x80, 0x7D, 0x05};
    Frame frame = FrameCodec.parse(body, 0, body.length);
    assertThat(frame.getReq()).isEqualTo(2);
    assertThat(frame.getBodyCase()).isEqualTo(Frame.BodyCase.BODY_NOT_SET);
  }

  @Test
  void varintSizesMatchTheirEncoding() {
    for (int v : new int[] {0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28,
        Integer.MAX_VALUE}) {
      byte[] out = new byte[5];
      assertThat(Varint.write(out, 0, v)).isEqualTo(Varint.size(v));
      long packed = Varint.read(java.nio.ByteBuffer.wrap(out, 0, Varint.size(v)));
      assertThat(Varint.readValue(packed)).isEqualTo(v);
      assertThat(Varint.readLength(packed)).isEqualTo(Varint.size(v));
    }
  }
}
