package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.routing.SessionDirectory;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.topic.Topics;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.UUID;

/**
 * CONNECT: checks the client id, credentials and will, settles keepalive, session expiry and the
 * windows of both sides, opens (or takes over) the session and hands the connection its
 * {@link Terms}. Holds no state of its own: one serves every connection of the broker.
 */
final class ConnectFlow {
  /** A connection whose CONNECT is being handled, as this flow sees it. Its event loop only. */
  interface Connecting {
    /** Whether the connection is over the per-IP cap. */
    boolean overIpCap();

    /** The client's address, null when unknown. */
    InetAddress remoteAddress();

    EventLoop eventLoop();

    /** Whether the connection closed or is closing. */
    boolean closing();

    /** Stops reading from the connection until it is accepted. */
    void stopReading();

    /** Refuses CONNECT with {@code reasonCode} and closes. */
    void refuse(String clientId, int reasonCode, String why);

    /**
     * The session is open and ready: the connection attaches it and answers CONNACK.
     *
     * @param present whether the session existed (CONNACK's session present)
     * @param will the client's will, or null
     * @param ack the MQTT 5 CONNACK properties
     */
    void accepted(Session session, boolean present, Terms terms, WillMessage will, Properties ack);
  }

  private final Broker broker;
  private final MqttSettings settings;
  private final Authenticator authenticator;
  private final Acl acl;

  ConnectFlow(Broker broker, MqttSettings settings, Authenticator authenticator, Acl acl) {
    this.broker = broker;
    this.settings = settings;
    this.authenticator = authenticator;
    this.acl = acl;
  }

  void connect(Connecting conn, MqttPacket.Connect c) {
    boolean v5 = c.level() == MqttVersion.V5;
    Properties props = c.props();
    if (conn.overIpCap()) {
      conn.refuse(null, v5 ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
          "too many connections from this address");
      return;
    }
    String clientId = c.clientId();
    boolean assigned = false;
    if (clientId.isEmpty()) {
      if (!v5 && !c.cleanStart()) {
        conn.refuse(null, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "an empty client id needs a clean session");
        return;
      }
      clientId = "auto-" + UUID.randomUUID();
      assigned = true;
    }
    if (clientId.length() > settings.maxClientIdLength()) {
      conn.refuse(clientId, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
          "client id longer than " + settings.maxClientIdLength());
      return;
    }
    if (props.authenticationMethod != null) {
      conn.refuse(clientId, ReasonCode.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
      return;
    }
    Authenticator.Result auth = authenticator.authenticate(c.username(), c.password(), conn.remoteAddress());
    if (auth.identity() == null) {
      conn.refuse(clientId, auth.reasonCode(), auth.reason());
      return;
    }
    Identity identity = auth.identity();
    WillMessage will = null;
    if (c.will() != null) {
      will = will(conn, c.will(), clientId, identity);
      if (will == null) {
        return;
      }
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
    int clientReceiveMax = props.receiveMaximum == null ? 65_535 : props.receiveMaximum;
    Terms terms = new Terms(c.level(), clientId, identity, Math.min(clientReceiveMax, settings.maxInflight()),
        props.maximumPacketSize == null ? Long.MAX_VALUE : props.maximumPacketSize,
        Math.min(props.topicAliasMaximum == null ? 0 : props.topicAliasMaximum, settings.topicAliasMaximum()),
        expiry, keepAlive);

    Properties ack = v5 ? connAckProperties(expiry != requestedExpiry ? expiry : null,
        assigned ? clientId : null, serverKeepAlive) : Properties.NONE;
    WillMessage finalWill = will;
    String id = clientId;
    conn.stopReading();
    broker.open(id, identity.userId(), c.cleanStart(), conn.eventLoop(), () -> !conn.closing(),
        (session, present) -> conn.accepted(session, present && !c.cleanStart(), terms, finalWill, ack),
        why -> conn.eventLoop().execute(() -> {
          if (why == SessionDirectory.Refusal.ANOTHER_USER) {
            conn.refuse(id, ReasonCode.NOT_AUTHORIZED, "client id " + id + " belongs to another user");
          } else {
            conn.refuse(id, ReasonCode.SERVER_UNAVAILABLE, "which node holds the session of " + id
                + " cannot be known now (the cluster's shared state is unreachable); connect again");
          }
        }));
  }

  /** The will of CONNECT, or null when it is refused (and the connection with it). */
  private WillMessage will(Connecting conn, MqttPacket.Will w, String clientId, Identity identity) {
    if (!Topics.isValidName(w.topic()) || Topics.levels(w.topic()) > settings.maxTopicLevels()) {
      conn.refuse(clientId, ReasonCode.TOPIC_NAME_INVALID, "invalid will topic");
      return null;
    }
    if (w.retain() && !settings.retainEnabled()) {
      conn.refuse(clientId, ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are disabled");
      return null;
    }
    if (w.props().utf8Payload() && !Wire.isUtf8(w.payload())) {
      conn.refuse(clientId, ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8");
      return null;
    }
    if (!acl.canPublish(identity, clientId, w.topic())) {
      conn.refuse(clientId, ReasonCode.NOT_AUTHORIZED, "not allowed to publish the will to " + w.topic());
      return null;
    }
    return new WillMessage(w.topic(), w.payload(), w.qos(), w.retain(), w.props(), w.delaySeconds());
  }

  private Properties connAckProperties(Long grantedExpiry, String assignedClientId, Integer serverKeepAlive) {
    Properties ack = new Properties();
    if (grantedExpiry != null) {
      ack.sessionExpiryInterval = grantedExpiry;
    }
    ack.receiveMaximum = settings.receiveMaximum();
    ack.maximumPacketSize = (long) settings.maxPacketSize();
    ack.topicAliasMaximum = settings.topicAliasMaximum();
    if (!settings.retainEnabled()) {
      ack.retainAvailable = 0;
    }
    if (assignedClientId != null) {
      ack.assignedClientIdentifier = assignedClientId;
    }
    if (serverKeepAlive != null) {
      ack.serverKeepAlive = serverKeepAlive;
    }
    return ack;
  }
}
