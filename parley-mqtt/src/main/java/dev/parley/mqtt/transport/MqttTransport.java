package dev.parley.mqtt.transport;

import dev.parley.core.http.WebSocketEndpoint;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.config.MqttSettings;
import io.netty.channel.Channel;
import java.time.Duration;

/**
 * The broker's connections, as the module wires them: what a new TCP or TLS connection gets, what
 * one over the per-IP cap gets, the WebSocket endpoint, how many are open, and shutting them all
 * down. Everything else in this package is internal.
 */
public final class MqttTransport {
  private final MqttPipeline pipeline;
  private final Connections connections;
  private final int maxPacketSize;

  /** @param time the time of every connection deadline (CONNECT timeout, keepalive) */
  public MqttTransport(Broker broker, MqttSettings settings, Authenticator authenticator, Acl acl, TimeSource time) {
    this.connections = new Connections(time);
    this.pipeline = new MqttPipeline(new BrokerServices(broker, settings, acl, connections, time,
        new ConnectFlow(broker, settings, authenticator, acl), new SubscribeFlow(broker, settings, acl)));
    this.maxPacketSize = settings.maxPacketSize();
  }

  /** Adds the MQTT handler to a TCP (or TLS) connection just accepted: a listener's initializer. */
  public void initialize(Channel ch) {
    pipeline.tcp(ch);
  }

  /** A connection over the per-IP cap: its CONNECT is refused (or it is closed at the CONNECT timeout). */
  public void reject(Channel ch) {
    pipeline.reject(ch);
  }

  /** The MQTT-over-WebSocket endpoint for the HTTP listener. */
  public WebSocketEndpoint webSocketEndpoint() {
    return new MqttWebSocketEndpoint(pipeline, maxPacketSize);
  }

  /** MQTT connections open now, on every listener. */
  public int openConnections() {
    return connections.open();
  }

  /**
   * Tells every connected client the server is going away (MQTT 5: reason 0x8B), closes every
   * connection and waits up to {@code wait} for them to close.
   */
  public void shutdown(Duration wait) {
    connections.shutdownAll(wait);
  }
}
