package dev.parley.mqtt.codec;

import dev.parley.mqtt.codec.MqttPacket.Connect;
import dev.parley.mqtt.codec.MqttPacket.Publish;
import dev.parley.mqtt.codec.MqttPacket.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.List;

/**
 * Encodes packets for a peer of a given protocol level. Sizes are computed first so each packet is
 * written into one buffer of exactly its length. {@link #encode} is pure and also serves the
 * tests, the load generator and the store (which keeps properties in wire form).
 */
public final class MqttEncoder {
  private MqttEncoder() {}

  /** The outbound handler: encodes every {@link MqttPacket} written with the connection's level. */
  public static final class Handler extends ChannelOutboundHandlerAdapter {
    private int level;

    public Handler(int level) {
      this.level = level;
    }

    public void level(int level) {
      this.level = level;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof MqttPacket p) {
        ctx.write(encode(ctx.alloc(), p, level), promise);
      } else {
        ctx.write(msg, promise);
      }
    }
  }

  /** The encoded size of {@code p} in bytes, fixed header included. */
  public static int size(MqttPacket p, int level) {
    int body = bodySize(p, level == MqttVersion.V5);
    return 1 + Wire.varIntSize(body) + body;
  }

  public static ByteBuf encode(ByteBufAllocator alloc, MqttPacket p, int level) {
    boolean v5 = level == MqttVersion.V5;
    int body = bodySize(p, v5);
    ByteBuf out = alloc.buffer(1 + Wire.varIntSize(body) + body);
    out.writeByte(firstByte(p));
    Wire.writeVarInt(out, body);
    writeBody(out, p, v5);
    return out;
  }

  private static int firstByte(MqttPacket p) {
    int t = p.type() << 4;
    switch (p.type()) {
      case PacketType.PUBLISH: {
        Publish pub = (Publish) p;
        return t | (pub.dup() ? 0x08 : 0) | (pub.qos() << 1) | (pub.retain() ? 1 : 0);
      }
      case PacketType.PUBREL:
      case PacketType.SUBSCRIBE:
      case PacketType.UNSUBSCRIBE:
        return t | 0x02;
      default:
        return t;
    }
  }

  private static int propsSize(Properties props) {
    int n = PropertiesCodec.size(props);
    return Wire.varIntSize(n) + n;
  }

  private static void writeProps(ByteBuf out, Properties props) {
    Wire.writeVarInt(out, PropertiesCodec.size(props));
    PropertiesCodec.write(out, props);
  }

  private static int bodySize(MqttPacket p, boolean v5) {
    if (p instanceof Publish pub) {
      int n = Wire.stringSize(pub.topic()) + (pub.qos() > 0 ? 2 : 0) + pub.payload().length;
      if (v5) {
        int props = PropertiesCodec.publishSize(pub.props(), pub.topicAlias(), pub.subscriptionIds());
        n += Wire.varIntSize(props) + props;
      }
      return n;
    } else if (p instanceof MqttPacket.PubReply r) {
      if (!v5 || (r.reasonCode() == ReasonCode.SUCCESS && r.props() == Properties.NONE)) {
        return 2;
      }
      return r.props() == Properties.NONE ? 3 : 3 + propsSize(r.props());
    } else if (p instanceof MqttPacket.ConnAck c) {
      return 2 + (v5 ? propsSize(c.props()) : 0);
    } else if (p instanceof Connect c) {
      return connectSize(c);
    } else if (p instanceof MqttPacket.Subscribe s) {
      int n = 2;
      if (v5) {
        int props = (s.subscriptionId() > 0 ? 1 + Wire.varIntSize(s.subscriptionId()) : 0);
        for (UserProperty u : s.userProperties()) {
          props += 1 + Wire.stringSize(u.name()) + Wire.stringSize(u.value());
        }
        n += Wire.varIntSize(props) + props;
      }
      for (Subscription sub : s.subscriptions()) {
        n += Wire.stringSize(sub.filter()) + 1;
      }
      return n;
    } else if (p instanceof MqttPacket.SubAck s) {
      return 2 + (v5 ? propsSize(s.props()) : 0) + s.reasonCodes().length;
    } else if (p instanceof MqttPacket.Unsubscribe u) {
      int n = 2 + (v5 ? propsSize(u.props()) : 0);
      for (String f : u.filters()) {
        n += Wire.stringSize(f);
      }
      return n;
    } else if (p instanceof MqttPacket.UnsubAck u) {
      return 2 + (v5 ? propsSize(u.props()) + u.reasonCodes().length : 0);
    } else if (p instanceof MqttPacket.PingReq) {
      return 0;
    } else if (p instanceof MqttPacket.PingResp) {
      return 0;
    } else if (p instanceof MqttPacket.Disconnect d) {
      if (!v5 || (d.reasonCode() == 0 && d.props() == Properties.NONE)) {
        return 0;
      }
      return 1 + propsSize(d.props());
    } else if (p instanceof MqttPacket.Auth a) {
      return 1 + propsSize(a.props());
    }
    throw new IllegalArgumentException("unknown packet " + p);
  }

  private static int connectSize(Connect c) {
    boolean v5 = c.level() == MqttVersion.V5;
    int n = 6 + 1 + 1 + 2;
    if (v5) {
      n += propsSize(c.props());
    }
    n += Wire.stringSize(c.clientId());
    if (c.will() != null) {
      if (v5) {
        int wp = willPropsSize(c.will());
        n += Wire.varIntSize(wp) + wp;
      }
      n += Wire.stringSize(c.will().topic()) + 2 + c.will().payload().length;
    }
    if (c.username() != null) {
      n += Wire.stringSize(c.username());
    }
    if (c.password() != null) {
      n += 2 + c.password().length;
    }
    return n;
  }

  private static int willPropsSize(MqttPacket.Will w) {
    return PropertiesCodec.publishSize(w.props(), 0, Publish.NO_IDS) + (w.delaySeconds() > 0 ? 5 : 0);
  }

  private static void writeBody(ByteBuf out, MqttPacket p, boolean v5) {
    if (p instanceof Publish pub) {
      Wire.writeString(out, pub.topic());
      if (pub.qos() > 0) {
        out.writeShort(pub.packetId());
      }
      if (v5) {
        Wire.writeVarInt(out, PropertiesCodec.publishSize(pub.props(), pub.topicAlias(), pub.subscriptionIds()));
        PropertiesCodec.writePublish(out, pub.props(), pub.topicAlias(), pub.subscriptionIds());
      }
      out.writeBytes(pub.payload());
    } else if (p instanceof MqttPacket.PubReply r) {
      out.writeShort(r.packetId());
      if (v5 && (r.reasonCode() != ReasonCode.SUCCESS || r.props() != Properties.NONE)) {
        out.writeByte(r.reasonCode());
        if (r.props() != Properties.NONE) {
          writeProps(out, r.props());
        }
      }
    } else if (p instanceof MqttPacket.ConnAck c) {
      out.writeByte(c.sessionPresent() ? 1 : 0);
      out.writeByte(c.reasonCode());
      if (v5) {
        writeProps(out, c.props());
      }
    } else if (p instanceof Connect c) {
      writeConnect(out, c);
    } else if (p instanceof MqttPacket.Subscribe s) {
      out.writeShort(s.packetId());
      if (v5) {
        Properties props = new Properties();
        if (s.subscriptionId() > 0) {
          props.subscriptionIdentifiers = List.of(s.subscriptionId());
        }
        for (UserProperty u : s.userProperties()) {
          props.addUserProperty(u.name(), u.value());
        }
        writeProps(out, props);
      }
      for (Subscription sub : s.subscriptions()) {
        Wire.writeString(out, sub.filter());
        out.writeByte(sub.qos() | (sub.noLocal() ? 0x04 : 0) | (sub.retainAsPublished() ? 0x08 : 0)
            | (sub.retainHandling() << 4));
      }
    } else if (p instanceof MqttPacket.SubAck s) {
      out.writeShort(s.packetId());
      if (v5) {
        writeProps(out, s.props());
      }
      for (int code : s.reasonCodes()) {
        out.writeByte(code);
      }
    } else if (p instanceof MqttPacket.Unsubscribe u) {
      out.writeShort(u.packetId());
      if (v5) {
        writeProps(out, u.props());
      }
      for (String f : u.filters()) {
        Wire.writeString(out, f);
      }
    } else if (p instanceof MqttPacket.UnsubAck u) {
      out.writeShort(u.packetId());
      if (v5) {
        writeProps(out, u.props());
        for (int code : u.reasonCodes()) {
          out.writeByte(code);
        }
      }
    } else if (p instanceof MqttPacket.Disconnect d) {
      if (v5 && (d.reasonCode() != 0 || d.props() != Properties.NONE)) {
        out.writeByte(d.reasonCode());
        writeProps(out, d.props());
      }
    } else if (p instanceof MqttPacket.Auth a) {
      out.writeByte(a.reasonCode());
      writeProps(out, a.props());
    }
  }

  private static void writeConnect(ByteBuf out, Connect c) {
    boolean v5 = c.level() == MqttVersion.V5;
    Wire.writeString(out, "MQTT");
    out.writeByte(c.level());
    int flags = (c.cleanStart() ? 0x02 : 0);
    if (c.will() != null) {
      flags |= 0x04 | (c.will().qos() << 3) | (c.will().retain() ? 0x20 : 0);
    }
    flags |= (c.password() != null ? 0x40 : 0) | (c.username() != null ? 0x80 : 0);
    out.writeByte(flags);
    out.writeShort(c.keepAliveSeconds());
    if (v5) {
      writeProps(out, c.props());
    }
    Wire.writeString(out, c.clientId());
    if (c.will() != null) {
      MqttPacket.Will w = c.will();
      if (v5) {
        Wire.writeVarInt(out, willPropsSize(w));
        PropertiesCodec.writePublish(out, w.props(), 0, Publish.NO_IDS);
        if (w.delaySeconds() > 0) {
          out.writeByte(Properties.WILL_DELAY_INTERVAL).writeInt((int) w.delaySeconds());
        }
      }
      Wire.writeString(out, w.topic());
      Wire.writeBinary(out, w.payload());
    }
    if (c.username() != null) {
      Wire.writeString(out, c.username());
    }
    if (c.password() != null) {
      Wire.writeBinary(out, c.password());
    }
  }

}
