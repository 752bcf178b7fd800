package dev.parley.live.stream;

import dev.parley.live.media.MediaFrame;

/**
 * A consumer fed on the publisher's event loop, in order, with every frame (the HLS segmenter, the
 * recorder). It must not block: file I/O goes to the blocking pool.
 */
public interface StreamSink {
  /** A publisher started (the first, one back within the reconnect grace, or a takeover). */
  void onPublishStart(LiveStream stream);

  void onFrame(LiveStream stream, MediaFrame frame);

  /** The publisher left or was taken over; another may follow within the reconnect grace. */
  void onUnpublish(LiveStream stream);

  /** No publisher came back within the reconnect grace. Called on a timer thread. */
  default void onEnd(LiveStream stream) {}
}
