package dev.parley.live.flv;

import dev.parley.live.media.Flv;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.stream.JoinSnapshot;
import dev.parley.live.stream.Notice;
import dev.parley.live.stream.Viewer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;

/**
 * A viewer over HTTP-FLV: the response body is an FLV file sent as HTTP/1.1 chunks. Each frame's
 * chunk is made once and shared by every HTTP-FLV viewer. When the publisher leaves, the response
 * ends once the stream has ended (no publisher back within the reconnect grace).
 */
final class HttpFlvViewer extends Viewer {
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  HttpFlvViewer(Channel channel, long maxQueueBytes) {
    super(channel, Protocol.FLV, maxQueueBytes);
  }

  @Override
  protected ByteBuf encode(MediaFrame f) {
    return f.httpFlvChunk().duplicate();
  }

  @Override
  protected void onJoin(JoinSnapshot snapshot) {
    boolean known = snapshot.hasAudio() || snapshot.hasVideo();
    byte[] header = Flv.header(!known || snapshot.hasAudio(), !known || snapshot.hasVideo());
    write(Unpooled.wrappedBuffer(MediaFrame.httpChunk(header)));
  }

  @Override
  protected void onNotice(Notice notice) {
    if (notice == Notice.ENDED) {
      end();
    }
  }

  /** Ends the response (the terminating chunk) and closes the connection. */
  void end() {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(LAST_CHUNK)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
