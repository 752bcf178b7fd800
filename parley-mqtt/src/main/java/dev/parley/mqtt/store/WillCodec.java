package dev.parley.mqtt.store;

import dev.parley.mqtt.codec.MalformedPacketException;
import dev.parley.mqtt.codec.StoredProps;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.message.WillMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** A pending will in store form: topic, QoS, retain, delay, properties, payload. */
public final class WillCodec {
  private WillCodec() {}

  public static byte[] encode(WillMessage w) {
    ByteBuf b = Unpooled.buffer();
    Wire.writeString(b, w.topic());
    b.writeByte(w.qos()).writeByte(w.retain() ? 1 : 0).writeInt((int) w.delaySeconds());
    byte[] props = StoredProps.encode(w.props());
    b.writeInt(props == null ? 0 : props.length);
    if (props != null) {
      b.writeBytes(props);
    }
    b.writeInt(w.payload().length).writeBytes(w.payload());
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  public static WillMessage decode(byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      String topic = Wire.readString(b);
      int qos = b.readUnsignedByte();
      boolean retain = b.readUnsignedByte() == 1;
      long delay = b.readUnsignedInt();
      byte[] props = new byte[b.readInt()];
      b.readBytes(props);
      byte[] payload = new byte[b.readInt()];
      b.readBytes(payload);
      return new WillMessage(topic, payload, qos, retain, StoredProps.decode(props), delay);
    } catch (MalformedPacketException | IndexOutOfBoundsException e) {
      throw new IllegalStateException("stored will is corrupt", e);
    }
  }
}
