package dev.parley.mqtt.cluster;

import dev.parley.mqtt.codec.MalformedPacketException;
import dev.parley.mqtt.codec.StoredProps;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.message.AppMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** An application message in bus form: topic, QoS, retain, expiry, origin, properties, payload. */
final class BusCodec {
  private BusCodec() {}

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
}
