package dev.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader's limits and its buffer: frames that arrive together, frames cut anywhere, frames
 * larger than the buffer it starts with (4 KiB), and the room it makes by moving a partial frame
 * to the front.
 */
class FrameReaderTest {
  private final RecordingSink sink = new RecordingSink();
  private final List<Object> received = sink.received;

  /** A frame whose custom payload is {@code dataBytes} long and differs from frame to frame. */
  private static Frame frame(int req, int dataBytes) {
    byte[] data = new byte[dataBytes];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (1 + (i * 31 + req) % 251);
    }
    return Frame.newBuilder().setReq(req).setSend(Send.newBuilder().setClientId("c" + req).setToUser("bob")
        .setKind(MessageKind.MESSAGE_KIND_CUSTOM)
        .setCustom(Custom.newBuilder().setType("bin").setData(ByteString.copyFrom(data)))).build();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void limitMustBePositive() {
    assertThatThrownBy(() -> new FrameReader(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> new FrameReader(1)).doesNotThrowAnyException();
  }

  @Test
  void frameOfExactlyTheLimitIsAcceptedOneMoreIsNot() throws Exception {
    Frame f = frame(1, 100);
    byte[] bytes = FrameCodec.encode(f);
    int body = f.getSerializedSize();

    new FrameReader(body).feed(bytes, 0, bytes.length, sink);
    assertThat(received).containsExactly(f);

    assertThatThrownBy(() -> new FrameReader(body - 1).feed(bytes, 0, bytes.length, sink))
        .isInstanceOf(FrameException.class)
        .extracting(e -> ((FrameException) e).code()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
  }

  @Test
  void framesArrivingTogetherAreAllDeliveredInOrder() throws Exception {
    Frame a = frame(1, 2100);
    Frame b = frame(2, 2100);
    Frame c = frame(3, 10);
    byte[] all = concat(FrameCodec.encode(a), FrameCodec.heartbeat(), FrameCodec.encode(b), FrameCodec.encode(c));

    new FrameReader(64 * 1024).feed(all, 0, all.length, sink);

    assertThat(received).containsExactly(a, RecordingSink.HEARTBEAT, b, c);
  }

  @Test
  void partialFrameAfterCompleteOnesWaitsForItsRest() throws Exception {
    Frame a = frame(1, 50);
    Frame b = frame(2, 50);
    byte[] bytesA = FrameCodec.encode(a);
    byte[] bytesB = FrameCodec.encode(b);
    // a, then b without its last 10 bytes; then those 10 bytes.
    byte[] first = concat(bytesA, Arrays.copyOf(bytesB, bytesB.length - 10));
    FrameReader reader = new FrameReader(1024);

    reader.feed(first, 0, first.length, sink);
    assertThat(received).containsExactly(a);

    reader.feed(bytesB, bytesB.length - 10, 10, sink);
    assertThat(received).containsExactly(a, b);
  }

  @Test
  void frameLargerThanTheInitialBufferArrivesWhole() throws Exception {
    Frame big = frame(1, 20_000);
    byte[] bytes = FrameCodec.encode(big);

    new FrameReader(64 * 1024).feed(bytes, 0, bytes.length, sink);

    assertThat(received).containsExactly(big);
  }

  /** Feeds frame a and the first 100 bytes of frame b together, then the rest of b. */
  private void completeThenPartialThenRest(int aData, int bData) throws Exception {
    Frame a = frame(1, aData);
    Frame b = frame(2, bData);
    byte[] bytesB = FrameCodec.encode(b);
    byte[] first = concat(FrameCodec.encode(a), Arrays.copyOf(bytesB, 100));
    FrameReader reader = new FrameReader(64 * 1024);

    reader.feed(first, 0, first.length, sink);
    reader.feed(bytesB, 100, bytesB.length - 100, sink);

    assertThat(received).containsExactly(a, b);
  }

  @Test
  void partialFrameIsMovedToTheFrontWhenThatMakesRoom() throws Exception {
    // 100 bytes of b stay buffered behind a's 3 KB; the rest of b does not fit after them in 4 KiB,
    // but fits once they are moved to the front.
    completeThenPartialThenRest(3000, 2000);
  }

  @Test
  void partialFrameIsCopiedToALargerBufferWhenMovingItIsNotEnough() throws Exception {
    completeThenPartialThenRest(3000, 6000);
  }

  @Test
  void readerKeepsWorkingAfterManyBufferFulls() throws Exception {
    // Frames of a size that does not divide the buffer, fed in chunks that cut them anywhere.
    List<Frame> sent = new ArrayList<>();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int i = 1; i <= 40; i++) {
      Frame f = frame(i, 700 + i * 13);
      sent.add(f);
      stream.writeBytes(FrameCodec.encode(f));
    }
    byte[] all = stream.toByteArray();
    FrameReader reader = new FrameReader(64 * 1024);
    for (int off = 0; off < all.length; off += 997) {
      reader.feed(all, off, Math.min(997, all.length - off), sink);
    }
    assertThat(received).containsExactlyElementsOf(sent);
  }
}
