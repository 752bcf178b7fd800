package dev.parley.live.stream;

import dev.parley.live.media.MediaFrame;

/**
 * A consumer fed on the publisher's event loop, in order, with every frame (the HLS segmenter, the
 * recorder). It must not block: file I/O goes to the blocking pool.
 */
public interface StreamSink {
  void onPublishStart(LiveStream stream);

  void onFrame(LiveStream stream, MediaFrame frame);

  void onUnpublish(LiveStream stream);
}
