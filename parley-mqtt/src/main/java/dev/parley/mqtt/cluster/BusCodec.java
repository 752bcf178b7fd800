package dev.parley.mqtt.cluster;

import dev.parley.mqtt.codec.MalformedPacketException;
import dev.parley.mqtt.codec.StoredProps;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.routing.MessageRouter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An application message in bus form: topic, QoS, retain, expiry, origin, properties, payload;
 * a publish between nodes puts before it whether it was passed on and the share groups the
 * receiver delivers it to.
 */
final class BusCodec {
  private BusCodec() {}

  /**
   * A publish from another node.
   *
   * @param passedOn a node chose for a share group had no connected member and passed it on: only
   *     {@code groups} get it, and it goes no further
   * @param groups the shared subscriptions ({@code $share/g/f}) the receiver delivers it to
   * @param confirm the id the receiver confirms with once it stored its copies; 0: none asked
   * @param flow the client's QoS 2 flow it belongs to (its packet id, whether it is a resend); null: none
   */
  record Publish(AppMessage message, boolean passedOn, List<String> groups, long confirm, MessageRouter.Qos2 flow) {}

  /** A publish for another node: {@code message} as {@link #encode} gave it. */
  static byte[] encodePublish(byte[] message, boolean passedOn, Collection<String> groups) {
    return encodePublish(message, passedOn, groups, 0);
  }

  /** A publish for another node that asks for a confirm with {@code confirm} (0: none). */
  static byte[] encodePublish(byte[] message, boolean passedOn, Collection<String> groups, long confirm) {
    return encodePublish(message, passedOn, groups, confirm, null);
  }

  /** The same, for a client's QoS 2 publish of {@code flow} (null: none). */
  static byte[] encodePublish(byte[] message, boolean passedOn, Collection<String> groups, long confirm,
      MessageRouter.Qos2 flow) {
    ByteBuf b = Unpooled.buffer(message.length + 16 + groups.size() * 16);
    b.writeByte((passedOn ? 1 : 0) | (confirm != 0 ? 2 : 0) | (flow != null ? 4 : 0)
        | (flow != null && flow.resend() ? 8 : 0));
    if (confirm != 0) {
      b.writeLong(confirm);
    }
    if (flow != null) {
      b.writeShort(flow.packetId());
    }
    b.writeShort(groups.size());
    for (String g : groups) {
      Wire.writeString(b, g);
    }
    b.writeBytes(message);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  static Publish decodePublish(byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      int flags = b.readUnsignedByte();
      boolean passedOn = (flags & 1) != 0;
      long confirm = (flags & 2) != 0 ? b.readLong() : 0;
      MessageRouter.Qos2 flow = (flags & 4) != 0 ? new MessageRouter.Qos2(b.readUnsignedShort(), (flags & 8) != 0) : null;
      int n = b.readUnsignedShort();
      List<String> groups = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        groups.add(Wire.readString(b));
      }
      byte[] message = new byte[b.readableBytes()];
      b.readBytes(message);
      return new Publish(decode(message), passedOn, groups, confirm, flow);
    } catch (MalformedPacketException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("malformed MQTT bus publish", e);
    }
  }

  static byte[] encode(AppMessage m) {
    ByteBuf b = Unpooled.buffer(m.payload().length + m.topic().length() + 32);
    Wire.writeString(b, m.topic());
    b.writeByte(m.qos()).writeByte(m.retain() ? 1 : 0).writeLong(m.expiresAtMillis());
    b.writeByte(m.origin() == null ? 0 : 1);
    if (m.origin() != null) {
      Wire.writeString(b, m.origin());
    }
    byte[] props = StoredProps.encode(m.props());
    b.writeInt(props == null ? 0 : props.length);
    if (props != null) {
      b.writeBytes(props);
    }
    b.writeInt(m.payload().length).writeBytes(m.payload());
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  static AppMessage decode(byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      String topic = Wire.readString(b);
      int qos = b.readUnsignedByte();
      boolean retain = b.readUnsignedByte() == 1;
      long expires = b.readLong();
      String origin = b.readUnsignedByte() == 1 ? Wire.readString(b) : null;
      byte[] props = new byte[b.readInt()];
      b.readBytes(props);
      byte[] payload = new byte[b.readInt()];
      b.readBytes(payload);
      return new AppMessage(topic, payload, qos, retain, StoredProps.decode(props), expires, origin);
    } catch (MalformedPacketException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("malformed MQTT bus message", e);
    }
  }

  /** A filter a node's sessions now use ({@code added}) or no longer use, with its members there (shared; else 0). */
  record FilterChange(boolean added, int members, String filter) {}

  static byte[] encodeFilterChange(boolean added, int members, String filter) {
    byte[] f = filter.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(f.length + 5).put((byte) (added ? 1 : 0)).putInt(members).put(f).array();
  }

  /** The change in {@code payload}; null when it is too short to hold one. */
  static FilterChange decodeFilterChange(byte[] payload) {
    if (payload.length < 6) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    boolean added = b.get() == 1;
    int members = b.getInt();
    return new FilterChange(added, members, new String(payload, 5, payload.length - 5, StandardCharsets.UTF_8));
  }

  /** A node asks for the session of {@code clientId} for a connection of {@code user} ("": anonymous); clean start or not. */
  record HandoverRequest(boolean clean, String user, String clientId) {}

  static byte[] encodeHandover(boolean clean, String user, String clientId) {
    byte[] u = user.getBytes(StandardCharsets.UTF_8);
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    // Flag, user (length-prefixed), client id.
    return ByteBuffer.allocate(3 + u.length + id.length).put((byte) (clean ? 1 : 0)).putShort((short) u.length).put(u)
        .put(id).array();
  }

  /** The request in {@code payload}; null when it is too short to hold one. */
  static HandoverRequest decodeHandover(byte[] payload) {
    if (payload.length < 3) {
      return null;
    }
    int userLength = ((payload[1] & 0xff) << 8) | (payload[2] & 0xff);
    if (payload.length < 3 + userLength) {
      return null;
    }
    int at = 3 + userLength;
    return new HandoverRequest(payload[0] == 1, new String(payload, 3, userLength, StandardCharsets.UTF_8),
        new String(payload, at, payload.length - at, StandardCharsets.UTF_8));
  }
}
