package dev.parley.live.rtmp;

import dev.parley.core.time.TimeSource;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.StreamNames;
import java.time.Duration;

/**
 * The playing side of an RTMP connection: the {@code play} command (one stream per connection),
 * its duration, and the end of playback (closeStream, deleteStream, or the connection closed). On
 * the channel's event loop; the frames themselves reach the player through its {@link RtmpViewer}.
 */
final class Playback {
  private final NetConnection net;
  private final StreamHub hub;
  private final AccessGate gate;
  private final TimeSource time;
  private RtmpViewer viewer;
  private AccessRequest request;

  Playback(NetConnection net, StreamHub hub, AccessGate gate, TimeSource time) {
    this.net = net;
    this.hub = hub;
    this.gate = gate;
    this.time = time;
  }

  /** Whether this connection plays a stream now. */
  boolean active() {
    return viewer != null;
  }

  /**
   * The play command on message stream {@code id}: {@code duration} seconds (or to the end when not
   * positive), {@code reset} asks for NetStream.Play.Reset first.
   */
  void play(int id, Object nameArg, double duration, boolean reset) {
    if (viewer != null || gate.pending() || !net.created(id)) {
      net.refuse(id, "NetStream.Play.Failed", "play on a stream that was not created, or twice");
      return;
    }
    AccessRequest r = net.request(AccessRequest.Action.PLAY, nameArg instanceof String s ? s : "");
    if (!StreamNames.valid(r.stream())) {
      net.refuse(id, "NetStream.Play.StreamNotFound", "no such stream: " + r.stream());
      return;
    }
    gate.check(r, id, () -> {
      LiveStream existing = hub.get(net.app(), r.stream());
      if (net.settings().waitForPublisher() || existing != null && existing.isLive()) {
        join(id, r, duration, reset);
        return;
      }
      // Not waited for: playable only if published here or (in a cluster) on another node.
      hub.upstream().publishedElsewhere(net.app(), r.stream()).whenComplete((yes, err) -> net.execute(() -> {
        if (Boolean.TRUE.equals(yes)) {
          join(id, r, duration, reset);
        } else {
          hub.metrics().refused(false);
          net.refuse(id, "NetStream.Play.StreamNotFound", "no such stream: " + r.stream());
        }
      }));
    });
  }

  private void join(int id, AccessRequest r, double duration, boolean reset) {
    if (!net.channel().isActive() || viewer != null) {
      return;
    }
    RtmpSettings settings = net.settings();
    RtmpViewer v = new RtmpViewer(net.channel(), id, settings.chunkSize(), reset, settings.viewerQueueBytes());
    if (!hub.play(net.app(), r.stream(), v)) {
      hub.metrics().refused(false);
      net.refuse(id, "NetStream.Play.Failed", "the server's stream limit is reached");
      return;
    }
    viewer = v;
    request = r;
    if (duration > 0) {
      time.schedule(net.executor(), () -> {
        if (viewer == v) {
          v.stop();
          stop();
        }
      }, Duration.ofMillis((long) (duration * 1000)));
    }
  }

  /** deleteStream or closeStream of {@code id}: ends playback if it is the played stream. */
  void closeStream(int id) {
    if (viewer != null && id == viewer.streamId()) {
      viewer.stop();
      stop();
    }
  }

  /** Leaves the stream (playback ended, or the connection closed). */
  void stop() {
    if (viewer != null) {
      if (viewer.stream() != null) {
        viewer.stream().leave(viewer);
      }
      gate.done(request);
      viewer = null;
    }
  }
}
