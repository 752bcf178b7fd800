package dev.parley.mqtt.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;

/**
 * Builds the MQTT part of every connection's pipeline, TCP, TLS and WebSocket alike, in this one
 * place; {@link MqttHandlerNames} shows the whole pipeline with the kernel's handlers. TCP and TLS
 * connections get it when accepted (TLS is put in front by the kernel); WebSocket connections
 * after the handshake, behind the frame adapter.
 */
final class MqttPipeline {
  /** Set on connections over the per-IP cap: their CONNECT is answered with a refusal. */
  static final AttributeKey<Boolean> OVER_IP_CAP = AttributeKey.valueOf("mqtt.over-ip-cap");

  private final BrokerServices services;

  MqttPipeline(BrokerServices services) {
    this.services = services;
  }

  /** A TCP (or TLS) connection, just accepted. */
  void tcp(Channel ch) {
    mqtt(ch.pipeline());
  }

  /** A WebSocket connection, just upgraded. */
  void webSocket(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(MqttHandlerNames.WS_FRAMES, new WebSocketFrames());
    mqtt(p);
  }

  /** What a connection over the per-IP cap gets: its CONNECT is refused, or it is closed soon. */
  void reject(Channel ch) {
    ch.attr(OVER_IP_CAP).set(true);
    services.time().schedule(ch.eventLoop(), ch::close, services.settings().connectTimeout());
  }

  private void mqtt(ChannelPipeline p) {
    p.addLast(MqttHandlerNames.MQTT, new MqttChannelHandler(services));
  }
}
