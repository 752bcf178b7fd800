package dev.parley.im.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.im.wire.WireFormat;
import dev.parley.protocol.JsonFrames;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImWebSocketInboundTest {
  private final EmbeddedChannel ch = new EmbeddedChannel(new ImWebSocketInbound());

  @AfterEach
  void close() {
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  private static Frame login() {
    return Frame.newBuilder().setReq(1).setLogin(Login.newBuilder().setProtocolVersion(1).setToken("t")
        .setDeviceId("d")).build();
  }

  private static BinaryWebSocketFrame binary(byte[] bytes) {
    return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
  }

  private List<Object> read() {
    List<Object> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    return out;
  }

  @Test
  void theFormatIsAnnouncedWhenTheClientSwitchesAndOnlyThen() {
    ch.writeInbound(binary(login().toByteArray()));
    ch.writeInbound(binary(login().toByteArray()));
    ch.writeInbound(new TextWebSocketFrame(JsonFrames.toJson(login())));
    ch.writeInbound(new TextWebSocketFrame(JsonFrames.toJson(login())));
    ch.writeInbound(binary(login().toByteArray()));

    assertThat(read()).containsExactly(WireFormat.WS_BINARY, login(), login(), WireFormat.WS_JSON, login(), login(),
        WireFormat.WS_BINARY, login());
  }

  @Test
  void emptyBinaryAndBlankTextAreHeartbeats() {
    ch.writeInbound(binary(new byte[0]));
    ch.writeInbound(new TextWebSocketFrame(" "));

    assertThat(read()).containsExactly(WireFormat.WS_BINARY, Inbound.HEARTBEAT, WireFormat.WS_JSON, Inbound.HEARTBEAT);
  }

  @Test
  void pongIsActivityAndOtherMessagesAreDropped() {
    PongWebSocketFrame pong = new PongWebSocketFrame();
    PingWebSocketFrame ping = new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1}));
    ch.writeInbound(pong);
    assertThat(read()).containsExactly(Inbound.ACTIVITY);
    ch.writeInbound(ping);
    assertThat(read()).isEmpty();
    assertThat(pong.refCnt()).isZero();
    assertThat(ping.refCnt()).isZero();
  }

  @Test
  void undecodableBinaryIsMalformedAndEverythingAfterIsDropped() {
    // Field 15 with wire type 7, which does not exist.
    ch.writeInbound(binary(new byte[] {0x7F, 0x00}));
    BinaryWebSocketFrame after = binary(login().toByteArray());
    ch.writeInbound(after);

    List<Object> out = read();
    assertThat(out).hasSize(2).first().isEqualTo(WireFormat.WS_BINARY);
    assertThat(((Inbound.Malformed) out.get(1)).code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
    assertThat(after.refCnt()).isZero();
  }

  @Test
  void undecodableJsonIsMalformed() {
    ch.writeInbound(new TextWebSocketFrame("{\"login\": 5"));

    List<Object> out = read();
    assertThat(out).hasSize(2).first().isEqualTo(WireFormat.WS_JSON);
    assertThat(((Inbound.Malformed) out.get(1)).code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
  }
}
