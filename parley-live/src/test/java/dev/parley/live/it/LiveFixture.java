package dev.parley.live.it;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.LiveModule;
import dev.parley.live.testing.RtmpClient;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A live server for tests, RTMP clients on a shared loop group, and a publisher of fake frames.
 * The server runs on a {@link ManualTime}: no timeout, grace or timer fires unless the test moves
 * {@link #time} on. Frames go to viewers at once ({@code live.viewer.merge-writes: 0ms}) unless a
 * test sets a merge window (which then waits for the test to advance time too).
 */
final class LiveFixture {
  static final EventLoopGroup CLIENTS = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  private LiveFixture() {}

  static TestKernel.Builder server() {
    return TestKernel.builder(() -> List.of(new LiveModule())).time(new ManualTime())
        .set("live.viewer.merge-writes", "0ms");
  }

  /** The server's hand-moved time. */
  static ManualTime time(TestKernel k) {
    return (ManualTime) k.time();
  }

  static RtmpClient connect(TestKernel k, String app, RtmpClient.Listener listener) throws Exception {
    return RtmpClient.connect(CLIENTS, NioSocketChannel.class, "127.0.0.1", k.port("rtmp"), app, true, listener)
        .get(10, TimeUnit.SECONDS);
  }

  /** An RTMPS client of {@code k} (its RTMP listener takes TLS), trusting {@code tls}'s certificate. */
  static RtmpClient connectTls(TestKernel k, String app, SslContext tls) throws Exception {
    return RtmpClient.connect(CLIENTS, NioSocketChannel.class, "127.0.0.1", k.port("rtmp"), app, true,
        new RtmpClient.Listener() { }, tls).get(10, TimeUnit.SECONDS);
  }

  static RtmpClient connect(TestKernel k, String app) throws Exception {
    return connect(k, app, new RtmpClient.Listener() { });
  }

  /** Sends metadata and the two sequence headers. */
  static void sendHeaders(RtmpClient c) {
    c.send(MessageType.DATA_AMF0, 0, FakeEncoder.metadata());
    c.send(MessageType.VIDEO, 0, FakeEncoder.avcConfig());
    c.send(MessageType.AUDIO, 0, FakeEncoder.aacConfig());
  }

  /**
   * Sends video frames {@code from..to-1} at 25 fps (a keyframe every {@code gop}) starting at
   * {@code baseTs}, each followed by an audio frame.
   */
  static void sendFrames(RtmpClient c, long baseTs, int from, int to, int gop, int size) {
    for (int i = from; i < to; i++) {
      long ts = baseTs + i * 40L;
      c.send(MessageType.VIDEO, ts, FakeEncoder.video(i, i % gop == 0, size));
      c.send(MessageType.AUDIO, ts + 5, FakeEncoder.audio(i));
    }
    barrier(c);
  }

  /**
   * Waits until the server has handled everything sent so far on {@code c}: it answers a command
   * only after the media before it (one connection's messages are handled in order), so a player
   * that joins next sees the frames in the GOP cache, however loaded the machine is.
   */
  static void barrier(RtmpClient c) {
    if (!c.channel().isActive()) {
      return;
    }
    try {
      c.call("getStreamLength", 0, null, "barrier").get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // The connection went away or was refused; the test's own checks say what that means.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Asserts that the server still answers {@code c}: a marker that also shows everything the
   * server wrote to {@code c} before it has arrived.
   */
  static void assertAnswers(RtmpClient c) throws Exception {
    org.assertj.core.api.Assertions.assertThat(c.call("getStreamLength", 0, null, "marker")
        .get(10, java.util.concurrent.TimeUnit.SECONDS).get(0)).isEqualTo("_result");
  }

  /** Records what a player receives. */
  static final class Recorder implements RtmpClient.Listener {
    final List<RtmpMessage> media = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();

    @Override
    public void onMedia(RtmpMessage m) {
      media.add(m);
    }

    @Override
    public void onStatus(String code, java.util.Map<String, Object> info) {
      statuses.add(code);
    }

    List<RtmpMessage> video() {
      return media.stream().filter(m -> m.type() == MessageType.VIDEO).toList();
    }

    /** Video frames that are not sequence headers. */
    List<RtmpMessage> pictures() {
      return media.stream().filter(m -> m.type() == MessageType.VIDEO && m.payload()[1] == 1).toList();
    }
  }
}
