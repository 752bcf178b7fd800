package dev.parley.mqtt.transport;

import dev.parley.mqtt.codec.MqttDecoder;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttVersion;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.util.function.Consumer;

/**
 * Adds the MQTT handlers to a connection: decoder, encoder, protocol handler. TCP and TLS
 * connections get them right away (TLS is put in front by the kernel); WebSocket connections get
 * them behind the frame adapter after the handshake.
 */
public final class MqttPipeline implements Consumer<Channel> {
  private final BrokerServices services;

  public MqttPipeline(BrokerServices services) {
    this.services = services;
  }

  @Override
  public void accept(Channel ch) {
    addTo(ch.pipeline());
  }

  /** Adds decoder, encoder and handler at the end of {@code p}. */
  public void addTo(ChannelPipeline p) {
    MqttDecoder decoder = new MqttDecoder(services.settings().maxPacketSize(), true);
    MqttEncoder.Handler encoder = new MqttEncoder.Handler(MqttVersion.V3_1_1);
    p.addLast(MqttConnection.DECODER, decoder);
    p.addLast(MqttConnection.ENCODER, encoder);
    p.addLast(MqttConnection.HANDLER, new MqttConnection(services, decoder, encoder));
  }

  /** What a connection over the per-IP cap gets: its CONNECT is refused, or it is closed soon. */
  public void reject(Channel ch) {
    ch.attr(MqttConnection.REJECTED).set(true);
    services.time().schedule(ch.eventLoop(), ch::close, services.settings().connectTimeout());
  }
}
