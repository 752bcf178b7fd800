package dev.parley.mqtt.transport;

import dev.parley.core.time.Cancellable;
import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.DecodeFailure;
import dev.parley.mqtt.codec.MqttDecoder;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.session.Link;
import dev.parley.mqtt.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol handler of one MQTT connection (TCP, TLS or WebSocket): CONNECT, then packets in
 * the session. All of it runs on the connection's event loop, which is also the home of its
 * session while attached. Bad input ends the connection with a reason (MQTT 5) and touches
 * nothing else.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements Link {
  private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
  /** Set on connections over the per-IP cap: CONNECT is answered with a refusal. */
  public static final AttributeKey<Boolean> REJECTED = AttributeKey.valueOf("mqtt.rejected");

  /** Handler names in the pipeline. */
  public static final String DECODER = "mqtt-decoder";
  public static final String ENCODER = "mqtt-encoder";
  public static final String HANDLER = "mqtt-connection";

  private enum State { AWAIT_CONNECT, CONNECTING, CONNECTED, CLOSING }

  final BrokerServices services;
  private final MqttDecoder decoder;
  private final MqttEncoder.Handler encoder;
  Channel channel;
  private State state = State.AWAIT_CONNECT;
  private Cancellable connectTimer = Cancellable.NONE;
  private KeepAlive keepAlive;
  private List<Object> earlyPackets;
  private boolean flushScheduled;
  private final Runnable flushTask = this::flushNow;

  // Set at CONNECT.
  int level = MqttVersion.V3_1_1;
  String clientId;
  Identity identity = Identity.ANONYMOUS;
  Session session;
  int window;
  long clientMaxPacketSize = Long.MAX_VALUE;
  int clientAliasMax;
  boolean problemInfo = true;
  long expiryAtConnect;
  private Map<String, Integer> outAliases;
  private boolean willOnClose = true;
  private boolean takenOver;

  private final InboundFlow inbound;

  public MqttConnection(BrokerServices services, MqttDecoder decoder, MqttEncoder.Handler encoder) {
    this.services = services;
    this.decoder = decoder;
    this.encoder = encoder;
    this.inbound = new InboundFlow(this);
  }

  private boolean active;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (channel.isActive()) {
      // WebSocket: added after the handshake, on a connection that is already active.
      activate(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    activate(ctx);
    ctx.fireChannelActive();
  }

  private void activate(ChannelHandlerContext ctx) {
    if (active) {
      return;
    }
    active = true;
    services.channels().add(channel);
    services.connected().incrementAndGet();
    connectTimer = services.time().schedule(ctx.executor(), () -> {
      if (state == State.AWAIT_CONNECT) {
        log.debug("{} sent no CONNECT in time; closing", channel);
        channel.close();
      }
    }, services.settings().connectTimeout());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connectTimer.cancel();
    if (keepAlive != null) {
      keepAlive.stop();
    }
    if (active) {
      services.connected().decrementAndGet();
    }
    state = State.CLOSING;
    if (session != null && !takenOver) {
      Session s = session;
      session = null;
      s.detach(this, willOnClose);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSING) {
      return;
    }
    if (msg instanceof DecodeFailure f) {
      onDecodeFailure(f);
      return;
    }
    if (!(msg instanceof MqttPacket p)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (keepAlive != null) {
      keepAlive.packet();
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
        connectTimer.cancel();
        ConnectFlow.connect(this, c);
      } else {
        fail(ReasonCode.PROTOCOL_ERROR, "the first packet must be CONNECT");
      }
      return;
    }
    switch (p.type()) {
      case PacketType.PUBLISH:
        inbound.publish((MqttPacket.Publish) p);
        break;
      case PacketType.PUBREL:
        inbound.pubRel((MqttPacket.PubReply) p);
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
        SubscribeFlow.subscribe(this, (MqttPacket.Subscribe) p);
        break;
      case PacketType.UNSUBSCRIBE:
        SubscribeFlow.unsubscribe(this, (MqttPacket.Unsubscribe) p);
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

  private void onDisconnect(MqttPacket.Disconnect d) {
    Long expiry = d.props().sessionExpiryInterval;
    if (expiry != null) {
      if (expiryAtConnect == 0 && expiry != 0) {
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
    log.debug("{} {}: {} (reason 0x{})", channel, clientId == null ? "before CONNECT" : clientId, f.message(),
        Integer.toHexString(f.reasonCode()));
    if (state == State.AWAIT_CONNECT && f.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
      // The 3.1.1 form of the answer: any client can read it (MQTT 5, 3.1.2.2).
      encoder.level(MqttVersion.V3_1_1);
      channel.writeAndFlush(new MqttPacket.ConnAck(false, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, Properties.NONE))
          .addListener(ChannelFutureListener.CLOSE);
      state = State.CLOSING;
      return;
    }
    fail(f.reasonCode(), f.message());
  }

  /** Called once the session is attached and CONNACK sent: start keepalive and process what waited. */
  void connected(int keepAliveSeconds) {
    state = State.CONNECTED;
    decoder.level(level);
    if (keepAliveSeconds > 0) {
      keepAlive = new KeepAlive(services.time(), channel.eventLoop(), Duration.ofMillis(keepAliveSeconds * 1500L),
          () -> fail(ReasonCode.KEEP_ALIVE_TIMEOUT, "no packet within 1.5 times the keepalive"));
      keepAlive.start();
    }
    session.resume();
    List<Object> early = earlyPackets;
    earlyPackets = null;
    if (early != null) {
      for (Object p : early) {
        if (state != State.CONNECTED) {
          break;
        }
        handle((MqttPacket) p);
      }
    }
    channel.config().setAutoRead(true);
  }

  /** Sets the level for encoding and the values the client asked for at CONNECT. */
  void level(int level) {
    this.level = level;
    encoder.level(level);
  }

  /** Ends the connection: MQTT 5 peers get DISCONNECT with the reason, 3.1.1 peers are just closed. */
  void fail(int reasonCode, String why) {
    if (state == State.CLOSING) {
      return;
    }
    boolean connected = state == State.CONNECTED;
    state = State.CLOSING;
    log.debug("{} {}: closing with reason 0x{}: {}", channel, clientId, Integer.toHexString(reasonCode), why);
    if (connected && level == MqttVersion.V5) {
      channel.writeAndFlush(new MqttPacket.Disconnect(reasonCode, reasonProps(why)))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /** A reason string, unless the client asked for no problem information. */
  Properties reasonProps(String why) {
    return problemInfo && why != null ? Properties.reason(why) : Properties.NONE;
  }

  /** Refuses CONNECT with {@code reason} (mapped for 3.1.1) and closes. */
  void refuse(int reason, String why) {
    state = State.CLOSING;
    log.debug("{} client {} refused with 0x{}: {}", channel, clientId, Integer.toHexString(reason), why);
    int code = level == MqttVersion.V5 ? reason : ReasonCode.toV3ConnAck(reason);
    Properties props = level == MqttVersion.V5 ? reasonProps(why) : Properties.NONE;
    channel.writeAndFlush(new MqttPacket.ConnAck(false, code, props)).addListener(ChannelFutureListener.CLOSE);
  }

  boolean closing() {
    return state == State.CLOSING || !channel.isActive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable() && session != null && state == State.CONNECTED) {
      session.drain();
    }
    ctx.fireChannelWritabilityChanged();
  }

  // --- Link ------------------------------------------------------------------------------

  @Override
  public int level() {
    return level;
  }

  @Override
  public void send(MqttPacket packet) {
    channel.write(packet, channel.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(flushTask);
    }
  }

  private void flushNow() {
    flushScheduled = false;
    channel.flush();
  }

  @Override
  public boolean writable() {
    return channel.isWritable();
  }

  @Override
  public int receiveMaximum() {
    return window;
  }

  @Override
  public long maximumPacketSize() {
    return clientMaxPacketSize;
  }

  @Override
  public int topicAlias(String topic) {
    if (clientAliasMax == 0) {
      return 0;
    }
    if (outAliases == null) {
      outAliases = new HashMap<>();
    }
    Integer known = outAliases.get(topic);
    if (known != null) {
      return -known;
    }
    if (outAliases.size() >= clientAliasMax) {
      return 0;
    }
    int alias = outAliases.size() + 1;
    outAliases.put(topic, alias);
    return alias;
  }

  @Override
  public void takenOver() {
    takenOver = true;
    session = null;
    log.debug("{} client {} taken over by a new connection", channel, clientId);
    if (level == MqttVersion.V5 && state == State.CONNECTED) {
      state = State.CLOSING;
      channel.writeAndFlush(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER, Properties.NONE))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      state = State.CLOSING;
      channel.close();
    }
  }

  /** Tells the client the server is going away (MQTT 5: 0x8B) and closes. */
  public void shutdown() {
    if (state == State.CONNECTED && level == MqttVersion.V5) {
      state = State.CLOSING;
      channel.writeAndFlush(new MqttPacket.Disconnect(ReasonCode.SERVER_SHUTTING_DOWN, Properties.NONE))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  void stopReading() {
    channel.config().setAutoRead(false);
  }
}
