package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The /mqtt endpoint: subprotocol required, MQTT bytes in binary frames (split anywhere), text frames refused. */
class WebSocketTest extends SharedServer {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static URI uri() {
    return URI.create(MqttServer.ws(server));
  }

  @Test
  void handshakeWithoutTheMqttSubprotocolIsRefused() {
    assertThatThrownBy(() -> HTTP.newWebSocketBuilder().buildAsync(uri(), new WebSocket.Listener() { })
        .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
  }

  @Test
  void connectSplitOverTwoFramesIsAnsweredAndTextFramesClose() throws Exception {
    CompletableFuture<ByteBuffer> firstBinary = new CompletableFuture<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = HTTP.newWebSocketBuilder().subprotocols("mqtt").buildAsync(uri(), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        firstBinary.complete(copy);
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
        closed.complete(status);
        return null;
      }
    }).get(5, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("mqtt");
    ByteBuf connect = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT,
        new MqttPacket.Connect(MqttVersion.V5, true, 30, Properties.NONE, "ws-split", null, null, null), 5);
    byte[] bytes = new byte[connect.readableBytes()];
    connect.readBytes(bytes);
    connect.release();
    ws.sendBinary(ByteBuffer.wrap(bytes, 0, 5), true).get(5, TimeUnit.SECONDS);
    ws.sendBinary(ByteBuffer.wrap(bytes, 5, bytes.length - 5), true).get(5, TimeUnit.SECONDS);
    ByteBuffer connack = firstBinary.get(5, TimeUnit.SECONDS);
    // CONNACK, MQTT 5: type 2, flags 0, session present 0, reason 0.
    assertThat(connack.get(0)).isEqualTo((byte) 0x20);
    assertThat(connack.get(3)).isZero();
    ws.sendText("not mqtt", true).get(5, TimeUnit.SECONDS);
    assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1003);
  }
}
