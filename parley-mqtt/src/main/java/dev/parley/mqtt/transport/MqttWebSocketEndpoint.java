package dev.parley.mqtt.transport;

import dev.parley.core.http.WebSocketEndpoint;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.List;

/** The {@code /mqtt} WebSocket endpoint: subprotocol {@code mqtt} required, then the MQTT pipeline. */
final class MqttWebSocketEndpoint implements WebSocketEndpoint {
  private final MqttPipeline pipeline;
  private final int maxMessageBytes;

  MqttWebSocketEndpoint(MqttPipeline pipeline, int maxMessageBytes) {
    this.pipeline = pipeline;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public List<String> subprotocols() {
    return List.of("mqtt", "mqttv3.1");
  }

  @Override
  public boolean subprotocolRequired() {
    return true;
  }

  @Override
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  @Override
  public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
    pipeline.webSocket(channel);
  }
}
