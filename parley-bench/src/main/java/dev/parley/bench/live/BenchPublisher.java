package dev.parley.bench.live;

import dev.parley.live.testing.RtmpClient;
import dev.parley.live.rtmp.chunk.MessageType;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes an FLV file in real time, looped, to several RTMP servers at once: the same frames at
 * the same moment to each, so every server serves the same stream. Send times go to a {@link FrameClock}.
 */
final class BenchPublisher implements AutoCloseable {
  private final List<FlvFile.Tag> tags;
  private final List<RtmpClient> clients = new ArrayList<>();
  private final FrameClock clock;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-publisher");
    t.setDaemon(true);
    return t;
  });
  final AtomicLong videoFramesSent = new AtomicLong();

  BenchPublisher(List<FlvFile.Tag> tags, FrameClock clock) {
    this.tags = tags;
    this.clock = clock;
  }

  void connect(EventLoopGroup group, Class<? extends SocketChannel> ch, String host, int port, String app, String stream)
      throws Exception {
    RtmpClient c = RtmpClient.connect(group, ch, host, port, app, false, new RtmpClient.Listener() { })
        .get(10, TimeUnit.SECONDS);
    c.setChunkSize(4096);
    c.publish(stream).get(10, TimeUnit.SECONDS);
    clients.add(c);
  }

  void start() {
    long duration = tags.get(tags.size() - 1).timestamp() + 40;
    long t0 = System.nanoTime();
    pacer.execute(new Runnable() {
      int i;
      long loop;

      @Override
      public void run() {
        long now = System.nanoTime();
        while (true) {
          FlvFile.Tag t = tags.get(i);
          long ts = loop * duration + t.timestamp();
          long due = t0 + TimeUnit.MILLISECONDS.toNanos(ts);
          if (due > now) {
            pacer.schedule(this, due - now, TimeUnit.NANOSECONDS);
            return;
          }
          if (t.type() == MessageType.VIDEO) {
            clock.sent(t.body(), System.nanoTime());
            videoFramesSent.incrementAndGet();
          }
          for (RtmpClient c : clients) {
            c.send(t.type(), ts, t.body());
          }
          if (++i == tags.size()) {
            i = 0;
            loop++;
          }
        }
      }
    });
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    for (RtmpClient c : clients) {
      c.channel().close();
    }
  }
}
