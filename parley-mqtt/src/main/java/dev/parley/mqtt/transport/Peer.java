package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.session.Session;
import io.netty.channel.EventLoop;

/**
 * A connected client as the packet flows ({@link PublishFlow}, {@link SubscribeFlow}) see it:
 * who it is, its session, and how to answer it or end the connection. Used on the connection's
 * event loop only.
 */
interface Peer {
  /** Protocol level of the connection (4 or 5). */
  int level();

  String clientId();

  Identity identity();

  /** The session the connection is attached to. */
  Session session();

  /** The connection's event loop (where work finished elsewhere comes back to). */
  EventLoop eventLoop();

  /** Writes a packet; flushed at the end of the current batch of work. */
  void send(MqttPacket packet);

  /** Ends the connection: MQTT 5 peers get DISCONNECT with the reason, 3.1.1 peers are just closed. */
  void fail(int reasonCode, String why);

  /** A reason string property, unless the client asked for no problem information. */
  Properties reasonProps(String why);
}
