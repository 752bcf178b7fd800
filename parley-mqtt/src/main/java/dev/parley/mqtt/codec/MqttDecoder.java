package dev.parley.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into packets and parses them with {@link PacketReader}. A packet larger
 * than the maximum packet size is refused from its fixed header alone, before its body is
 * buffered. On bad input it emits one {@link DecodeFailure} and discards everything after it.
 * Learns the protocol level from CONNECT. One per connection; runs on its event loop.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
  private final boolean fromClient;
  private int maxPacketSize;
  private int level;
  private boolean failed;

  /**
   * @param maxPacketSize largest accepted packet, fixed header included
   * @param fromClient true in the broker, false in a client
   */
  public MqttDecoder(int maxPacketSize, boolean fromClient) {
    this.maxPacketSize = maxPacketSize;
    this.fromClient = fromClient;
  }

  /** A client sets the level it sent in CONNECT; the broker learns it from the CONNECT it reads. */
  public void level(int level) {
    this.level = level;
  }

  public int level() {
    return level;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable()) {
      Object next = next(in);
      if (next == null) {
        return;
      }
      out.add(next);
      if (next instanceof DecodeFailure) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return;
      }
    }
  }

  /** One packet or failure from {@code in}, or null (nothing consumed) when more bytes are needed. */
  Object next(ByteBuf in) {
    Object p = next(in, maxPacketSize, level, fromClient);
    if (p instanceof MqttPacket.Connect c && level == 0) {
      level = c.level();
    }
    return p;
  }

  /**
   * One packet or failure from {@code in}, or null (nothing consumed) when more bytes are needed:
   * the framing and parsing of this decoder for a handler that keeps its own state.
   *
   * @param level the protocol level of the peer, 0 before its CONNECT
   * @param fromClient true in the broker (the first packet must then be CONNECT)
   */
  public static Object next(ByteBuf in, int maxPacketSize, int level, boolean fromClient) {
    int start = in.readerIndex();
    int available = in.readableBytes();
    if (available < 2) {
      return null;
    }
    int header = in.getUnsignedByte(start);
    int type = header >>> 4;
    int remaining = 0;
    int lengthBytes = 0;
    while (true) {
      if (lengthBytes == 4) {
        return new DecodeFailure(type, ReasonCode.MALFORMED_PACKET, "remaining length longer than four bytes");
      }
      if (1 + lengthBytes >= available) {
        return null;
      }
      int b = in.getUnsignedByte(start + 1 + lengthBytes);
      remaining |= (b & 0x7F) << (7 * lengthBytes);
      lengthBytes++;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    long total = 1L + lengthBytes + remaining;
    if (total > maxPacketSize) {
      return new DecodeFailure(type, ReasonCode.PACKET_TOO_LARGE,
          "packet of " + total + " bytes exceeds the maximum packet size " + maxPacketSize);
    }
    if (level == 0 && fromClient && type != PacketType.CONNECT) {
      return new DecodeFailure(type, ReasonCode.PROTOCOL_ERROR,
          "the first packet must be CONNECT, not " + PacketType.name(type));
    }
    if (available < total) {
      return null;
    }
    ByteBuf body = in.slice(start + 1 + lengthBytes, remaining);
    in.skipBytes((int) total);
    try {
      return PacketReader.read(header, body, level, fromClient);
    } catch (MalformedPacketException e) {
      return new DecodeFailure(type, e.reasonCode(), e.getMessage());
    }
  }

  /** Changes the maximum packet size (for example after CONNECT). */
  public void maxPacketSize(int max) {
    this.maxPacketSize = max;
  }
}
