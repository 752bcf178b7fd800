package dev.parley.live.stream;

import dev.parley.core.time.TimeSource;
import dev.parley.live.media.AacConfig;
import dev.parley.live.media.AvcConfig;
import dev.parley.live.media.Codecs;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Reader;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;

/**
 * What the stats API tells about a stream: codecs, resolution, measured bitrate and frame rate,
 * the publisher. Updated on the publisher's loop, read from anywhere (volatile fields).
 */
public final class StreamStats {
  private final TimeSource time;
  private volatile String videoCodec;
  private volatile String audioCodec;
  private volatile int width;
  private volatile int height;
  private volatile int sampleRate;
  private volatile int channels;
  private volatile String publisherAddress;
  private volatile long publishStartedNanos;
  private volatile long publishStartedMillis;
  private volatile double bitrateKbps;
  private volatile double frameRate;
  private volatile double metadataFrameRate;
  private long windowStart;
  private long windowBytes;
  private long windowVideoFrames;

  StreamStats(TimeSource time) {
    this.time = time;
    publishStartedNanos = time.nanoTime();
    windowStart = publishStartedNanos;
  }

  void publishStarted(String address) {
    publisherAddress = address;
    publishStartedNanos = time.nanoTime();
    publishStartedMillis = time.millis();
    windowStart = publishStartedNanos;
    windowBytes = 0;
    windowVideoFrames = 0;
  }

  void frame(MediaFrame f) {
    windowBytes += f.payload().length;
    byte[] p = f.payload();
    if (f.isVideo()) {
      if (f.isConfig()) {
        videoCodec = Codecs.videoCodec(p);
        if ("h264".equals(videoCodec)) {
          AvcConfig c = AvcConfig.fromTag(p);
          if (c != null && c.width() > 0) {
            width = c.width();
            height = c.height();
          }
        }
      } else {
        windowVideoFrames++;
        if (videoCodec == null) {
          videoCodec = Codecs.videoCodec(p);
        }
      }
    } else if (f.isAudio()) {
      if (audioCodec == null || f.isConfig()) {
        audioCodec = Codecs.audioCodec(p);
      }
      if (f.isConfig() && "aac".equals(audioCodec)) {
        AacConfig c = AacConfig.fromTag(p);
        if (c != null) {
          sampleRate = c.sampleRate();
          channels = c.channels();
        }
      }
    } else {
      metadata(p);
    }
    long now = time.nanoTime();
    long elapsed = now - windowStart;
    if (elapsed >= 2_000_000_000L) {
      bitrateKbps = windowBytes * 8.0 / (elapsed / 1e9) / 1000;
      frameRate = windowVideoFrames / (elapsed / 1e9);
      windowStart = now;
      windowBytes = 0;
      windowVideoFrames = 0;
    }
  }

  private void metadata(byte[] p) {
    try {
      List<Object> values = new Amf0Reader(Unpooled.wrappedBuffer(p)).readAll();
      for (Object v : values) {
        if (v instanceof Map<?, ?> m) {
          if (width == 0) {
            width = (int) Amf.number(m, "width", 0);
            height = (int) Amf.number(m, "height", 0);
          }
          metadataFrameRate = Amf.number(m, "framerate", 0);
        }
      }
    } catch (Exception e) {
      // Metadata is informational; a malformed one just adds nothing.
    }
  }

  public String videoCodec() {
    return videoCodec;
  }

  public String audioCodec() {
    return audioCodec;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int sampleRate() {
    return sampleRate;
  }

  public int channels() {
    return channels;
  }

  public String publisherAddress() {
    return publisherAddress;
  }

  public long publishStartedNanos() {
    return publishStartedNanos;
  }

  public long publishStartedMillis() {
    return publishStartedMillis;
  }

  /** Bitrate measured over the last window of about two seconds. */
  public double bitrateKbps() {
    return bitrateKbps;
  }

  /** Video frames per second measured over the last window, or the metadata's figure before one is measured. */
  public double frameRate() {
    return frameRate > 0 ? frameRate : metadataFrameRate;
  }
}
