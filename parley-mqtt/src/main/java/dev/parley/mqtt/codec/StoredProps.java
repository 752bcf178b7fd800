package dev.parley.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Message properties in their MQTT 5 wire form, as the store keeps them. */
public final class StoredProps {
  private StoredProps() {}

  /** The property list (length prefixed), or null for no properties. */
  public static byte[] encode(MessageProps props) {
    if (props.isEmpty()) {
      return null;
    }
    int n = PropertiesCodec.publishSize(props, 0, MqttPacket.Publish.NO_IDS);
    ByteBuf b = Unpooled.buffer(n + 4);
    Wire.writeVarInt(b, n);
    PropertiesCodec.writePublish(b, props, 0, MqttPacket.Publish.NO_IDS);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  public static MessageProps decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return MessageProps.NONE;
    }
    try {
      return PropertiesCodec.read(Unpooled.wrappedBuffer(bytes), PropertiesCodec.PUBLISH, false).messageProps();
    } catch (MalformedPacketException e) {
      throw new IllegalStateException("stored message properties are corrupt: " + e.getMessage(), e);
    }
  }
}
