package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.DecodeFailure;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.session.Link;
import dev.parley.mqtt.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of one MQTT connection (TCP, TLS or WebSocket): CONNECT ({@link ConnectFlow}),
 * then packets in the session ({@link PublishFlow}, {@link SubscribeFlow}, the session's
 * acknowledgements), and the end of the connection. Its {@link MqttChannelHandler} turns bytes
 * into the packets it reads and the packets it sends into bytes; {@link Connections} keeps its
 * deadlines (CONNECT timeout, keepalive).
 *
 * <p>All of it runs on the connection's event loop, which is also the home of its session while
 * attached. Bad input ends the connection with a reason (MQTT 5) and touches nothing else.
 */
final class MqttConnection implements Link, Peer, ConnectFlow.Connecting, Connections.Timed {
  private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
  private static final long KEEP_ALIVE_LIMIT_NANOS_PER_SECOND = 1_500_000_000L;

  private enum State { AWAIT_CONNECT, CONNECTING, CONNECTED, CLOSING }

  private final BrokerServices services;
  private final MqttChannelHandler io;
  private Channel channel;
  private State state = State.AWAIT_CONNECT;
  private boolean active;
  /** The protocol level: 0 until CONNECT is read, then the one it asks for. */
  private int level;
  private boolean problemInfo = true;
  /** Set once the session is attached. */
  private Terms terms;
  private Session session;
  private PublishFlow publishes;
  private OutboundAliases outAliases;
  private List<MqttPacket> earlyPackets;
  private boolean willOnClose = true;
  private boolean takenOver;
  /** Monotonic nanoseconds the current deadline counts from: activation, then the last packet. */
  private long since;
  private int slot = -1;

  MqttConnection(BrokerServices services, MqttChannelHandler io) {
    this.services = services;
    this.io = io;
  }

  /** The handler was added to the pipeline of {@code channel}. */
  void added(Channel channel) {
    this.channel = channel;
  }

  /** The connection is open (or was when the handler was added). */
  void activate() {
    if (active) {
      return;
    }
    active = true;
    since = services.time().nanoTime();
    services.connections().add(channel.eventLoop(), this);
  }

  /** The connection closed: the session is detached (its will goes out unless DISCONNECT said not to). */
  void closed() {
    if (active) {
      services.connections().remove(channel.eventLoop(), this);
    }
    state = State.CLOSING;
    if (session != null && !takenOver) {
      Session s = session;
      session = null;
      s.detach(this, willOnClose);
    }
  }

  /** Whether what the client sends is no longer read (the connection is closing). */
  boolean discardsInput() {
    return state == State.CLOSING;
  }

  void writabilityChanged() {
    if (channel.isWritable() && session != null && state == State.CONNECTED) {
      session.drain();
    }
  }

  /** A packet (or a decode failure) from the client. */
  void read(Object msg) {
    if (msg instanceof MqttPacket.Connect c && level == 0) {
      // Every later packet is read at the level CONNECT asks for.
      level = c.level();
    }
    if (msg instanceof DecodeFailure f) {
      onDecodeFailure(f);
      return;
    }
    MqttPacket p = (MqttPacket) msg;
    if (state == State.CONNECTED) {
      since = services.time().nanoTime();
    }
    if (state == State.CONNECTING) {
      if (p instanceof MqttPacket.Connect) {
        fail(ReasonCode.PROTOCOL_ERROR, "second CONNECT");
        return;
      }
      // Packets may follow CONNECT before CONNACK; they wait for the session.
      if (earlyPackets == null) {
        earlyPackets = new ArrayList<>();
      }
      earlyPackets.add(p);
      return;
    }
    handle(p);
  }

  private void handle(MqttPacket p) {
    if (state == State.AWAIT_CONNECT) {
      if (p instanceof MqttPacket.Connect c) {
        state = State.CONNECTING;
        Integer requestProblemInformation = c.props().requestProblemInformation;
        problemInfo = requestProblemInformation == null || requestProblemInformation == 1;
        services.connectFlow().connect(this, c);
      } else {
        fail(ReasonCode.PROTOCOL_ERROR, "the first packet must be CONNECT");
      }
      return;
    }
    switch (p.type()) {
      case PacketType.PUBLISH:
        publishes().publish((MqttPacket.Publish) p);
        break;
      case PacketType.PUBREL:
        publishes().pubRel((MqttPacket.PubReply) p);
        break;
      case PacketType.PUBACK:
        session.onPubAck(((MqttPacket.PubReply) p).packetId());
        break;
      case PacketType.PUBREC: {
        MqttPacket.PubReply r = (MqttPacket.PubReply) p;
        session.onPubRec(r.packetId(), r.reasonCode());
        break;
      }
      case PacketType.PUBCOMP:
        session.onPubComp(((MqttPacket.PubReply) p).packetId());
        break;
      case PacketType.SUBSCRIBE:
        services.subscribeFlow().subscribe(this, (MqttPacket.Subscribe) p);
        break;
      case PacketType.UNSUBSCRIBE:
        services.subscribeFlow().unsubscribe(this, (MqttPacket.Unsubscribe) p);
        break;
      case PacketType.PINGREQ:
        send(MqttPacket.PingResp.INSTANCE);
        break;
      case PacketType.DISCONNECT:
        onDisconnect((MqttPacket.Disconnect) p);
        break;
      case PacketType.CONNECT:
        fail(ReasonCode.PROTOCOL_ERROR, "second CONNECT");
        break;
      default:
        fail(ReasonCode.PROTOCOL_ERROR, PacketType.name(p.type()) + " is not expected here");
        break;
    }
  }

  private PublishFlow publishes() {
    if (publishes == null) {
      publishes = new PublishFlow(this, services.broker(), services.settings(), services.acl());
    }
    return publishes;
  }

  private void onDisconnect(MqttPacket.Disconnect d) {
    Long expiry = d.props().sessionExpiryInterval;
    if (expiry != null) {
      if (terms.expiryAtConnect() == 0 && expiry != 0) {
        fail(ReasonCode.PROTOCOL_ERROR, "session expiry cannot be set at DISCONNECT when it was 0 at CONNECT");
        return;
      }
      session.expiryOnDisconnect(Math.min(expiry, services.settings().maxSessionExpirySeconds()));
    }
    willOnClose = d.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL;
    state = State.CLOSING;
    channel.close();
  }

  private void onDecodeFailure(DecodeFailure f) {
    log.debug("{} {}: {} (reason 0x{})", channel, state == State.AWAIT_CONNECT ? "before CONNECT" : clientId(),
        f.message(), Integer.toHexString(f.reasonCode()));
    if (state == State.AWAIT_CONNECT && f.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
      // The 3.1.1 form of the answer: any client can read it (MQTT 5, 3.1.2.2).
      state = State.CLOSING;
      io.writeAndClose(new MqttPacket.ConnAck(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, Properties.NONE),
          MqttVersion.V3_1_1);
      return;
    }
    fail(f.reasonCode(), f.message());
  }

  // --- ConnectFlow.Connecting -------------------------------------------------------------

  @Override
  public boolean overIpCap() {
    return channel.hasAttr(MqttPipeline.OVER_IP_CAP);
  }

  @Override
  public InetAddress remoteAddress() {
    return channel.remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public boolean closing() {
    return state == State.CLOSING || !channel.isActive();
  }

  @Override
  public void stopReading() {
    channel.config().setAutoRead(false);
  }

  /** Refuses CONNECT with {@code reason} (mapped for 3.1.1) and closes. */
  @Override
  public void refuse(String clientId, int reason, String why) {
    state = State.CLOSING;
    log.debug("{} client {} refused with 0x{}: {}", channel, clientId, Integer.toHexString(reason), why);
    int code = level == MqttVersion.V5 ? reason : ReasonCode.toV3ConnAck(reason);
    Properties props = level == MqttVersion.V5 ? reasonProps(why) : Properties.NONE;
    io.writeAndClose(new MqttPacket.ConnAck(false, code, props), level);
  }

  @Override
  public void accepted(Session session, boolean present, Terms terms, WillMessage will, Properties ack) {
    if (closing()) {
      session.detachedInTransit();
      return;
    }
    this.terms = terms;
    this.session = session;
    session.attach(this, terms.identity(), terms.expiryAtConnect(), will);
    send(new MqttPacket.ConnAck(present, ReasonCode.SUCCESS, level == MqttVersion.V5 ? ack : Properties.NONE));
    state = State.CONNECTED;
    since = services.time().nanoTime();
    services.connections().changed(channel.eventLoop(), this);
    session.resume();
    List<MqttPacket> early = earlyPackets;
    earlyPackets = null;
    if (early != null) {
      for (MqttPacket p : early) {
        if (state != State.CONNECTED) {
          break;
        }
        handle(p);
      }
    }
    channel.config().setAutoRead(true);
  }

  // --- Connections.Timed ------------------------------------------------------------------

  @Override
  public long dueNanos() {
    if (state == State.AWAIT_CONNECT) {
      return since + services.settings().connectTimeout().toNanos();
    }
    if (state == State.CONNECTED && terms.keepAliveSeconds() > 0) {
      return since + terms.keepAliveSeconds() * KEEP_ALIVE_LIMIT_NANOS_PER_SECOND;
    }
    return Long.MAX_VALUE;
  }

  @Override
  public void timedOut() {
    if (state == State.AWAIT_CONNECT) {
      log.debug("{} sent no CONNECT in time; closing", channel);
      channel.close();
    } else if (state == State.CONNECTED) {
      // MQTT-3.1.2-24: nothing from the client within 1.5 times the keepalive.
      fail(ReasonCode.KEEP_ALIVE_TIMEOUT, "no packet within 1.5 times the keepalive");
    }
  }

  @Override
  public Future<?> closeFuture() {
    return channel.closeFuture();
  }

  @Override
  public int slot() {
    return slot;
  }

  @Override
  public void slot(int slot) {
    this.slot = slot;
  }

  /** Tells the client the server is going away (MQTT 5: 0x8B) and closes. */
  @Override
  public void shutdown() {
    if (state == State.CONNECTED && level == MqttVersion.V5) {
      state = State.CLOSING;
      io.writeAndClose(new MqttPacket.Disconnect(ReasonCode.SERVER_SHUTTING_DOWN, Properties.NONE), level);
    } else {
      channel.close();
    }
  }

  // --- Peer ---------------------------------------------------------------------------------

  @Override
  public String clientId() {
    return terms == null ? null : terms.clientId();
  }

  @Override
  public Identity identity() {
    return terms.identity();
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public void fail(int reasonCode, String why) {
    if (state == State.CLOSING) {
      return;
    }
    boolean connected = state == State.CONNECTED;
    state = State.CLOSING;
    log.debug("{} {}: closing with reason 0x{}: {}", channel, clientId(), Integer.toHexString(reasonCode), why);
    if (connected && level == MqttVersion.V5) {
      io.writeAndClose(new MqttPacket.Disconnect(reasonCode, reasonProps(why)), level);
    } else {
      channel.close();
    }
  }

  @Override
  public Properties reasonProps(String why) {
    return problemInfo && why != null ? Properties.reason(why) : Properties.NONE;
  }

  // --- Link ---------------------------------------------------------------------------------

  @Override
  public int level() {
    return level;
  }

  @Override
  public void send(MqttPacket packet) {
    io.write(packet, level);
  }

  @Override
  public boolean writable() {
    return channel.isWritable();
  }

  @Override
  public int receiveMaximum() {
    return terms.receiveMaximum();
  }

  @Override
  public long maximumPacketSize() {
    return terms.maximumPacketSize();
  }

  @Override
  public int topicAlias(String topic) {
    if (terms.topicAliasMaximum() == 0) {
      return 0;
    }
    if (outAliases == null) {
      outAliases = new OutboundAliases(terms.topicAliasMaximum());
    }
    return outAliases.aliasFor(topic);
  }

  @Override
  public void takenOver() {
    takenOver = true;
    session = null;
    log.debug("{} client {} taken over by a new connection", channel, clientId());
    if (level == MqttVersion.V5 && state == State.CONNECTED) {
      state = State.CLOSING;
      io.writeAndClose(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER, Properties.NONE), level);
    } else {
      state = State.CLOSING;
      channel.close();
    }
  }
}
