package dev.parley.it.live;

import java.io.IOException;
import java.util.List;

/** GStreamer command lines the tests use. */
final class Gstreamer {
  private static final List<String> ELEMENTS = List.of("videotestsrc", "openh264enc", "h264parse", "audiotestsrc",
      "voaacenc", "aacparse", "flvmux", "rtmp2sink");

  private Gstreamer() {}

  /** Whether gst-launch-1.0 and every element {@link #publish} uses are installed. */
  static boolean available() {
    try {
      for (String element : ELEMENTS) {
        try (Proc p = Proc.start(List.of("gst-inspect-1.0", "--exists", element))) {
          Integer code = p.waitFor(20);
          if (code == null || code != 0) {
            return false;
          }
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Publishes a 320x240 25 fps test pattern with a tone (H.264 and AAC in FLV) with rtmp2sink, live. */
  static Proc publish(String url) throws IOException {
    return Proc.start(List.of("gst-launch-1.0", "-q",
        "videotestsrc", "is-live=true", "!", "video/x-raw,width=320,height=240,framerate=25/1", "!", "openh264enc",
        "!", "h264parse", "!", "flvmux", "name=m", "streamable=true", "!", "rtmp2sink", "location=" + url,
        "audiotestsrc", "is-live=true", "!", "audioconvert", "!", "voaacenc", "!", "aacparse", "!", "m."));
  }
}
