package dev.parley.it.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** ffmpeg and ffprobe command lines the tests use. */
final class Ffmpeg {
  private Ffmpeg() {}

  /** Publishes a 640x360 25 fps test pattern with a sine tone, H.264 and AAC, in real time. */
  static Proc publish(String url, double tsOffsetSeconds) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
        "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k"));
    if (tsOffsetSeconds > 0) {
      cmd.addAll(List.of("-output_ts_offset", String.valueOf(tsOffsetSeconds)));
    }
    cmd.addAll(List.of("-f", "flv", url));
    return Proc.start(cmd);
  }

  /** ffprobe's streams of a URL as JSON (waits for the stream for up to {@code seconds}). */
  static JsonNode probe(String url, int seconds) throws Exception {
    try (Proc p = Proc.start(List.of("ffprobe", "-hide_banner", "-v", "error", "-rw_timeout",
        String.valueOf(seconds * 1_000_000L), "-show_streams", "-show_format", "-of", "json", url))) {
      Integer code = p.waitFor(seconds + 5);
      if (code == null || code != 0) {
        throw new AssertionError("ffprobe " + url + " failed (" + code + "): " + p.errText());
      }
      return new ObjectMapper().readTree(String.join("\n", p.out));
    }
  }

  /** Reads a URL for {@code seconds} of media with ffmpeg, printing progress (frame=N) to stdout. */
  static Proc read(String url, int seconds) throws IOException {
    return Proc.start(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", url, "-t",
        String.valueOf(seconds), "-map", "0:v", "-f", "null", "-progress", "pipe:1", "-nostats", "-"));
  }

  /**
   * ffprobe printing every packet it reads as a line ({@code stream_index,pts_time}), for as long
   * as the stream lasts (line-buffered, so each packet shows as it is read).
   */
  static Proc packets(String url) throws IOException {
    return Proc.start(List.of("stdbuf", "-oL", "ffprobe", "-hide_banner", "-v", "error", "-show_entries",
        "packet=stream_index,pts_time", "-of", "csv=p=0", url));
  }

  /** The presentation times (seconds) of the packets a {@link #packets} process has printed so far. */
  static List<Double> packetTimes(Proc probe) {
    List<Double> out = new ArrayList<>();
    for (String line : probe.out) {
      String[] f = line.split(",");
      if (f.length >= 2 && !f[1].isBlank() && !f[1].equals("N/A")) {
        out.add(Double.parseDouble(f[1].trim()));
      }
    }
    return out;
  }

  /** Frame counts reported so far by a {@link #read} process. */
  static List<Integer> frames(Proc reader) {
    List<Integer> out = new ArrayList<>();
    for (String line : reader.out) {
      if (line.startsWith("frame=")) {
        out.add(Integer.parseInt(line.substring(6).trim()));
      }
    }
    return out;
  }
}
