package dev.parley.live.rtmp;

import dev.parley.live.media.MediaFrame;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.stream.JoinSnapshot;
import dev.parley.live.stream.Notice;
import dev.parley.live.stream.Viewer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.Map;

/**
 * A viewer playing over RTMP on message stream {@code streamId}.
 *
 * <p>Players built on libavformat (ffplay, ffprobe, VLC, OBS media sources) take
 * {@code NetStream.Play.UnpublishNotify} (and {@code Play.Stop}) as the end of the stream. So an
 * encoder that reconnects within the reconnect grace, or a takeover, sends nothing at all: the
 * player just gets the new publisher's sequence headers and keyframe, on a timeline that goes on
 * (as nginx-rtmp does). UnpublishNotify goes out only when the grace passes without a publisher.
 */
final class RtmpViewer extends Viewer {
  private final int streamId;
  private final int chunkSize;
  private final boolean reset;
  /** Whether the player was told the stream is published (Play.Start on a live stream, or PublishNotify). */
  private boolean announced;

  RtmpViewer(Channel channel, int streamId, int chunkSize, boolean reset, long maxQueueBytes) {
    super(channel, Protocol.RTMP, maxQueueBytes);
    this.streamId = streamId;
    this.chunkSize = chunkSize;
    this.reset = reset;
  }

  @Override
  protected ByteBuf encode(MediaFrame f) {
    // Message stream 1 is what nearly every client gets: its encoding is shared by all viewers.
    return streamId == 1 ? f.rtmp(chunkSize).duplicate() : Unpooled.wrappedBuffer(f.rtmp(chunkSize, streamId));
  }

  @Override
  protected void onJoin(JoinSnapshot snapshot) {
    String name = stream().name();
    write(RtmpMessages.userControl(channel.alloc(), MessageType.UC_STREAM_BEGIN, streamId, chunkSize));
    if (reset) {
      write(RtmpMessages.status(channel.alloc(), streamId, chunkSize, "status", "NetStream.Play.Reset",
          "Playing and resetting " + name + ".", Map.of("details", name)));
    }
    write(RtmpMessages.status(channel.alloc(), streamId, chunkSize, "status", "NetStream.Play.Start",
        "Started playing " + name + ".", Map.of("details", name)));
    write(RtmpMessages.data(channel.alloc(), streamId, chunkSize, "|RtmpSampleAccess", true, true));
    announced = snapshot.live();
  }

  @Override
  protected void onNotice(Notice notice) {
    String name = stream().name();
    if (notice == Notice.PUBLISH_START) {
      if (!announced) {
        write(RtmpMessages.userControl(channel.alloc(), MessageType.UC_STREAM_BEGIN, streamId, chunkSize));
        write(RtmpMessages.status(channel.alloc(), streamId, chunkSize, "status", "NetStream.Play.PublishNotify",
            name + " is now published.", Map.of("details", name)));
        announced = true;
      }
    } else if (announced) {
      write(RtmpMessages.status(channel.alloc(), streamId, chunkSize, "status", "NetStream.Play.UnpublishNotify",
          name + " is now unpublished.", Map.of("details", name)));
      announced = false;
    }
  }

  /** Tells the player the stream stopped (duration reached, or closeStream). */
  void stop() {
    String name = stream() == null ? "" : stream().name();
    write(RtmpMessages.userControl(channel.alloc(), MessageType.UC_STREAM_EOF, streamId, chunkSize));
    write(RtmpMessages.status(channel.alloc(), streamId, chunkSize, "status", "NetStream.Play.Stop",
        "Stopped playing " + name + ".", Map.of("details", name)));
    channel.flush();
  }

  int streamId() {
    return streamId;
  }
}
