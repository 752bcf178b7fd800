package dev.parley.live.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the chunk decoder: any input decodes or fails with a
 * {@link RtmpProtocolException}, and every message it decodes comes back the same when the
 * encoder chunks it again and a fresh decoder reads it.
 *
 * <p>Every build replays the inputs in {@code ChunkDecoderFuzzTestInputs/anyBytesDecodeOrFailCleanly/}
 * under the test resources: client-to-server chunk streams captured from ffmpeg 5.1 and
 * GStreamer 1.22 (rtmp2sink and librtmp's rtmpsink) publishing to Parley, a whole ffprobe play
 * session, and Parley's own answer to it (60,000-byte chunks). Fuzzing for real
 * ({@code JAZZER_FUZZ=1}, see docs/DEVELOPMENT.md) writes every input that fails into that
 * directory, where it is kept and replayed from then on.
 */
class ChunkDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(64 * 1024, 64 * 1024));
    List<RtmpMessage> decoded = new ArrayList<>();
    try {
      int half = input.length / 2;
      ch.writeInbound(Unpooled.wrappedBuffer(input, 0, half));
      drain(ch, decoded);
      ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
    } catch (DecoderException e) {
      if (!(e.getCause() instanceof RtmpProtocolException)) {
        throw e;
      }
    } finally {
      drain(ch, decoded);
      ch.finishAndReleaseAll();
    }
    long payloadBytes = decoded.stream().mapToLong(m -> m.payload().length).sum();
    assertThat(payloadBytes).isLessThanOrEqualTo(input.length);
    reencodeAndCompare(decoded);
  }

  private static void drain(EmbeddedChannel ch, List<RtmpMessage> into) {
    for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
      into.add((RtmpMessage) o);
    }
  }

  private static void reencodeAndCompare(List<RtmpMessage> decoded) {
    if (decoded.isEmpty()) {
      return;
    }
    ByteBuf again = Unpooled.buffer();
    for (RtmpMessage m : decoded) {
      ChunkEncoder.encode(again, m.chunkStreamId(), m.type(), m.streamId(), m.timestamp(), m.payload(), 0,
          m.payload().length, 128);
    }
    EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(64 * 1024, 64 * 1024));
    try {
      ch.writeInbound(again);
      for (RtmpMessage m : decoded) {
        RtmpMessage r = ch.readInbound();
        assertThat(r).as("re-decoded %s", m).isNotNull();
        assertThat(r.chunkStreamId()).isEqualTo(m.chunkStreamId());
        assertThat(r.type()).isEqualTo(m.type());
        assertThat(r.streamId()).isEqualTo(m.streamId());
        assertThat(r.timestamp()).isEqualTo(m.timestamp());
        assertThat(r.payload()).isEqualTo(m.payload());
      }
      assertThat((Object) ch.readInbound()).isNull();
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
