package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.session.WillMessage;
import dev.parley.mqtt.topic.Topics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * CONNECT: checks the client id, credentials and will, settles keepalive, session expiry and the
 * windows of both sides, opens (or takes over) the session and answers CONNACK.
 */
final class ConnectFlow {
  private ConnectFlow() {}

  static void connect(MqttConnection conn, MqttPacket.Connect c) {
    MqttSettings settings = conn.services.settings();
    boolean v5 = c.level() == MqttVersion.V5;
    conn.level(c.level());
    Properties props = c.props();
    conn.problemInfo = props.requestProblemInformation == null || props.requestProblemInformation == 1;

    if (Boolean.TRUE.equals(conn.channel.attr(MqttConnection.REJECTED).get())) {
      conn.refuse(v5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
          "too many connections from this address");
      return;
    }
    String clientId = c.clientId();
    boolean assigned = false;
    if (clientId.isEmpty()) {
      if (!v5 && !c.cleanStart()) {
        conn.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "an empty client id needs a clean session");
        return;
      }
      clientId = "auto-" + UUID.randomUUID();
      assigned = true;
    }
    conn.clientId = clientId;
    if (clientId.length() > settings.maxClientIdLength()) {
      conn.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id longer than " + settings.maxClientIdLength());
      return;
    }
    if (props.authenticationMethod != null) {
      conn.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
      return;
    }
    InetAddress remote = conn.channel.remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress() : null;
    Authenticator.Result auth = conn.services.authenticator().authenticate(c.username(), c.password(), remote);
    if (auth.identity() == null) {
      conn.refuse(auth.reasonCode(), auth.reason());
      return;
    }
    conn.identity = auth.identity();
    Session existing = conn.services.broker().session(clientId);
    if (existing != null && !java.util.Objects.equals(existing.ownerId(), conn.identity.userId())) {
      // A client id is not a credential: another user's session (and its subscriptions) stays theirs.
      conn.refuse(ReasonCode.NOT_AUTHORIZED, "client id " + clientId + " belongs to another user");
      return;
    }

    WillMessage will = null;
    if (c.will() != null) {
      MqttPacket.Will w = c.will();
      if (!Topics.isValidName(w.topic()) || Topics.levels(w.topic()) > settings.maxTopicLevels()) {
        conn.refuse(ReasonCode.TOPIC_NAME_INVALID, "invalid will topic");
        return;
      }
      if (w.retain() && !settings.retainEnabled()) {
        conn.refuse(ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are disabled");
        return;
      }
      if (w.props().utf8Payload() && !Wire.isUtf8(w.payload())) {
        conn.refuse(ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8");
        return;
      }
      if (!conn.services.acl().canPublish(conn.identity, clientId, w.topic())) {
        conn.refuse(ReasonCode.NOT_AUTHORIZED, "not allowed to publish the will to " + w.topic());
        return;
      }
      will = new WillMessage(w.topic(), w.payload(), w.qos(), w.retain(), w.props(), w.delaySeconds());
    }

    int keepAlive = c.keepAliveSeconds();
    Integer serverKeepAlive = null;
    if (v5 && (keepAlive == 0 || keepAlive > settings.maxKeepAliveSeconds())) {
      keepAlive = settings.maxKeepAliveSeconds();
      serverKeepAlive = keepAlive;
    }
    long requestedExpiry = v5 ? (props.sessionExpiryInterval == null ? 0 : props.sessionExpiryInterval)
        : (c.cleanStart() ? 0 : settings.maxSessionExpirySeconds());
    long expiry = Math.min(requestedExpiry, settings.maxSessionExpirySeconds());
    conn.expiryAtConnect = expiry;
    int clientReceiveMax = props.receiveMaximum == null ? 65_535 : props.receiveMaximum;
    conn.window = Math.min(clientReceiveMax, settings.maxInflight());
    conn.clientMaxPacketSize = props.maximumPacketSize == null ? Long.MAX_VALUE : props.maximumPacketSize;
    conn.clientAliasMax = Math.min(props.topicAliasMaximum == null ? 0 : props.topicAliasMaximum,
        settings.topicAliasMaximum());

    Properties ack = new Properties();
    if (v5) {
      if (expiry != requestedExpiry) {
        ack.sessionExpiryInterval = expiry;
      }
      ack.receiveMaximum = settings.receiveMaximum();
      ack.maximumPacketSize = (long) settings.maxPacketSize();
      ack.topicAliasMaximum = settings.topicAliasMaximum();
      if (!settings.retainEnabled()) {
        ack.retainAvailable = 0;
      }
      if (assigned) {
        ack.assignedClientIdentifier = clientId;
      }
      if (serverKeepAlive != null) {
        ack.serverKeepAlive = serverKeepAlive;
      }
    }
    int grantedKeepAlive = keepAlive;
    WillMessage finalWill = will;
    conn.stopReading();
    conn.services.broker().open(clientId, c.cleanStart(), conn.channel.eventLoop(), () -> !conn.closing(),
        (session, present) -> attach(conn, session, present && !c.cleanStart(), expiry, finalWill, ack,
            grantedKeepAlive));
  }

  private static void attach(MqttConnection conn, Session session, boolean present, long expiry, WillMessage will,
      Properties ack, int keepAlive) {
    if (conn.closing()) {
      session.detachedInTransit();
      return;
    }
    conn.session = session;
    session.attach(conn, conn.identity, expiry, will);
    conn.send(new MqttPacket.ConnAck(present, ReasonCode.SUCCESS, conn.level == MqttVersion.V5 ? ack : Properties.NONE));
    conn.connected(keepAlive);
  }
}
