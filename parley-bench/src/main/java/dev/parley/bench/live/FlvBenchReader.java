package dev.parley.bench.live;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.HdrHistogram.Recorder;

/** An HTTP-FLV player: GET, skip the response head, then de-chunk and walk FLV tags without copying bodies. */
final class FlvBenchReader extends BenchReader {
  private final String path;
  private boolean headDone;
  private int chunkLeft;
  private boolean needChunkCrlf;
  private int flvHeaderLeft = 13;
  private final byte[] tagHeader = new byte[11];
  private int tagHeaderFilled;
  private int bodyLeft;
  private int bodyLength;
  private int tagType;
  private final byte[] head = new byte[64];
  private int headFilled;
  private int trailerLeft;

  FlvBenchReader(FrameClock clock, Recorder latency, String path) {
    super(clock, latency);
    this.path = path;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.writeAndFlush(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", StandardCharsets.US_ASCII));
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!headDone) {
      int end = -1;
      for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
        if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
          end = i + 4;
          break;
        }
      }
      if (end < 0) {
        return;
      }
      in.readerIndex(end);
      headDone = true;
    }
    while (in.isReadable()) {
      if (chunkLeft == 0) {
        if (needChunkCrlf) {
          if (in.readableBytes() < 2) {
            return;
          }
          in.skipBytes(2);
          needChunkCrlf = false;
        }
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
          return;
        }
        String size = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.US_ASCII).trim();
        in.readerIndex(eol + 1);
        chunkLeft = Integer.parseInt(size, 16);
        needChunkCrlf = true;
        if (chunkLeft == 0) {
          ctx.close();
          return;
        }
        continue;
      }
      int n = Math.min(chunkLeft, in.readableBytes());
      flv(in, n);
      chunkLeft -= n;
    }
  }

  /** Consumes {@code n} bytes of FLV. */
  private void flv(ByteBuf in, int n) {
    while (n > 0) {
      int k;
      if (flvHeaderLeft > 0) {
        k = Math.min(n, flvHeaderLeft);
        flvHeaderLeft -= k;
        in.skipBytes(k);
      } else if (tagHeaderFilled < 11) {
        k = Math.min(n, 11 - tagHeaderFilled);
        in.readBytes(tagHeader, tagHeaderFilled, k);
        tagHeaderFilled += k;
        if (tagHeaderFilled == 11) {
          tagType = tagHeader[0];
          bodyLength = ((tagHeader[1] & 0xFF) << 16) | ((tagHeader[2] & 0xFF) << 8) | (tagHeader[3] & 0xFF);
          bodyLeft = bodyLength;
          headFilled = 0;
          trailerLeft = 4;
        }
      } else if (bodyLeft > 0) {
        k = Math.min(n, bodyLeft);
        int h = Math.max(0, Math.min(k, head.length - headFilled));
        if (h > 0) {
          in.getBytes(in.readerIndex(), head, headFilled, h);
        }
        headFilled += h;
        in.skipBytes(k);
        bodyLeft -= k;
      } else {
        k = Math.min(n, trailerLeft);
        in.skipBytes(k);
        trailerLeft -= k;
        if (trailerLeft == 0) {
          if (tagType == 9) {
            video(head, Math.min(head.length, bodyLength), bodyLength);
          }
          tagHeaderFilled = 0;
        }
      }
      n -= k;
    }
  }
}
