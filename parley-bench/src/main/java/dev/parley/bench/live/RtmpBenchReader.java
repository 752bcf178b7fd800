package dev.parley.bench.live;

import dev.parley.live.amf.Amf;
import dev.parley.live.rtmp.RtmpMessages;
import dev.parley.live.rtmp.chunk.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import org.HdrHistogram.Recorder;

/**
 * An RTMP player: simple handshake, connect, createStream and play pipelined, then a chunk parser
 * that keeps only small messages whole and just the first bytes of media messages.
 */
final class RtmpBenchReader extends BenchReader {
  private static final int HEAD = 64;
  private final String app;
  private final String stream;
  private boolean handshaken;
  private int chunkSize = 128;
  private final Cs[] cs = new Cs[64];
  private long received;
  private long lastAck;
  private final int port;

  private static final class Cs {
    long tsField;
    boolean extended;
    int length;
    int type;
    int filled;
    boolean inProgress;
    byte[] small;
    final byte[] head = new byte[HEAD];
  }

  RtmpBenchReader(FrameClock clock, Recorder latency, String app, String stream, int port) {
    super(clock, latency);
    this.app = app;
    this.stream = stream;
    this.port = port;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ByteBuf c0c1 = Unpooled.buffer(1537);
    c0c1.writeByte(3).writeZero(1536);
    ctx.writeAndFlush(c0c1);
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!handshaken) {
      if (in.readableBytes() < 3073) {
        return;
      }
      in.skipBytes(1);
      ctx.write(in.readRetainedSlice(1536)); // C2 echoes S1
      in.skipBytes(1536);
      handshaken = true;
      ctx.write(RtmpMessages.command(ctx.alloc(), 0, 128, "connect", 1, Amf.object("app", app, "flashVer", "LNX 9,0,124,2",
          "tcUrl", "rtmp://127.0.0.1:" + port + "/" + app, "fpad", false, "capabilities", 15.0, "audioCodecs", 4071.0,
          "videoCodecs", 252.0, "videoFunction", 1.0)));
      ctx.write(RtmpMessages.command(ctx.alloc(), 0, 128, "createStream", 2, (Object) null));
      ctx.writeAndFlush(RtmpMessages.command(ctx.alloc(), 1, 128, "play", 0, null, stream, -2.0));
    }
    while (chunk(ctx, in)) {
      // one whole chunk per turn
    }
  }

  private boolean chunk(ChannelHandlerContext ctx, ByteBuf in) {
    int start = in.readerIndex();
    int avail = in.readableBytes();
    if (avail < 1) {
      return false;
    }
    int b0 = in.getUnsignedByte(start);
    int fmt = b0 >>> 6;
    int id = b0 & 0x3F;
    int pos = 1;
    if (id < 2) {
      pos = id == 0 ? 2 : 3;
      if (avail < pos) {
        return false;
      }
      id = 63; // high chunk stream ids share one slot: servers use low ones for media
    }
    int hl = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
    if (avail < pos + hl) {
      return false;
    }
    Cs c = cs[id] == null ? (cs[id] = new Cs()) : cs[id];
    long tsField = c.tsField;
    boolean ext = c.extended;
    int length = c.length;
    int type = c.type;
    if (fmt <= 2) {
      tsField = in.getUnsignedMedium(start + pos);
      if (fmt <= 1) {
        length = in.getUnsignedMedium(start + pos + 3);
        type = in.getUnsignedByte(start + pos + 6);
      }
      pos += hl;
      ext = tsField == 0xFFFFFF;
      if (ext) {
        if (avail < pos + 4) {
          return false;
        }
        tsField = in.getUnsignedInt(start + pos);
        pos += 4;
      }
    } else if (ext) {
      if (avail < pos + 4) {
        return false;
      }
      if (in.getUnsignedInt(start + pos) == tsField) {
        pos += 4;
      }
    }
    boolean fresh = !c.inProgress || fmt != 3;
    int filled = fresh ? 0 : c.filled;
    int n = Math.min(chunkSize, length - filled);
    if (avail < pos + n) {
      return false;
    }
    in.skipBytes(pos);
    received += pos + n;
    if (fresh) {
      c.tsField = tsField;
      c.extended = ext;
      c.length = length;
      c.type = type;
      c.filled = 0;
      c.inProgress = true;
      c.small = type == MessageType.AUDIO || type == MessageType.VIDEO ? null : new byte[Math.min(length, 1 << 16)];
    }
    if (c.small != null) {
      int keep = Math.max(0, Math.min(n, c.small.length - c.filled));
      if (keep > 0) {
        in.readBytes(c.small, c.filled, keep);
      }
      in.skipBytes(n - keep);
    } else {
      int h = Math.max(0, Math.min(n, HEAD - c.filled));
      if (h > 0) {
        in.getBytes(in.readerIndex(), c.head, c.filled, h);
      }
      in.skipBytes(n);
    }
    c.filled += n;
    if (c.filled >= c.length) {
      c.inProgress = false;
      message(ctx, c);
    }
    if (received - lastAck > 1_000_000) {
      lastAck = received;
      ctx.writeAndFlush(RtmpMessages.control(ctx.alloc(), MessageType.ACK, (int) received, 128));
    }
    return true;
  }

  private void message(ChannelHandlerContext ctx, Cs c) {
    switch (c.type) {
      case MessageType.VIDEO:
        video(c.head, Math.min(HEAD, c.length), c.length);
        break;
      case MessageType.SET_CHUNK_SIZE:
        chunkSize = ((c.small[0] & 0x7F) << 24) | ((c.small[1] & 0xFF) << 16) | ((c.small[2] & 0xFF) << 8)
            | (c.small[3] & 0xFF);
        break;
      case MessageType.USER_CONTROL:
        if (c.small.length >= 6 && c.small[1] == MessageType.UC_PING_REQUEST) {
          int v = ((c.small[2] & 0xFF) << 24) | ((c.small[3] & 0xFF) << 16) | ((c.small[4] & 0xFF) << 8) | (c.small[5] & 0xFF);
          ctx.writeAndFlush(RtmpMessages.userControl(ctx.alloc(), MessageType.UC_PING_RESPONSE, v, 128));
        }
        break;
      default:
        break;
    }
  }
}
