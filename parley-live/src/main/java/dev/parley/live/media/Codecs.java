package dev.parley.live.media;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads what the first bytes of an FLV audio or video tag body say: codec, keyframe, sequence
 * header; both the legacy layout and Enhanced RTMP's (ExHeader bit, packet type, FourCC).
 */
public final class Codecs {
  private Codecs() {}

  static boolean isVideoKeyframe(byte[] p) {
    if (p.length < 1) {
      return false;
    }
    int frameType = (p[0] >> 4) & 0x07;
    return frameType == 1;
  }

  static boolean isVideoConfig(byte[] p) {
    if (p.length < 2) {
      return false;
    }
    if ((p[0] & 0x80) != 0) {
      return (p[0] & 0x0F) == 0; // enhanced: PacketTypeSequenceStart
    }
    int codec = p[0] & 0x0F;
    return (codec == 7 || codec == 12) && p[1] == 0;
  }

  static boolean isAudioConfig(byte[] p) {
    if (p.length < 2) {
      return false;
    }
    int format = (p[0] >> 4) & 0x0F;
    if (format == 9) {
      return (p[0] & 0x0F) == 0; // enhanced audio: SequenceStart
    }
    return format == 10 && p[1] == 0;
  }

  /** Whether a video tag uses the Enhanced RTMP header. */
  public static boolean isEnhancedVideo(byte[] p) {
    return p.length >= 5 && (p[0] & 0x80) != 0;
  }

  /** A short name of a video tag's codec: h264, hevc, av1, vp9, ... */
  public static String videoCodec(byte[] p) {
    if (p.length < 1) {
      return "unknown";
    }
    if (isEnhancedVideo(p)) {
      String fourcc = new String(p, 1, 4, StandardCharsets.US_ASCII);
      switch (fourcc) {
        case "avc1":
          return "h264";
        case "hvc1":
          return "hevc";
        case "av01":
          return "av1";
        case "vp09":
          return "vp9";
        case "vp08":
          return "vp8";
        default:
          return fourcc;
      }
    }
    switch (p[0] & 0x0F) {
      case 2:
        return "h263";
      case 3:
        return "screen";
      case 4:
        return "vp6";
      case 5:
        return "vp6a";
      case 6:
        return "screen2";
      case 7:
        return "h264";
      case 12:
        return "hevc";
      default:
        return "codec-" + (p[0] & 0x0F);
    }
  }

  /** A short name of an audio tag's codec: aac, mp3, opus, ... */
  public static String audioCodec(byte[] p) {
    if (p.length < 1) {
      return "unknown";
    }
    int format = (p[0] >> 4) & 0x0F;
    switch (format) {
      case 0:
      case 3:
        return "pcm";
      case 1:
        return "adpcm";
      case 2:
      case 14:
        return "mp3";
      case 7:
        return "g711a";
      case 8:
        return "g711u";
      case 10:
        return "aac";
      case 11:
        return "speex";
      case 4:
      case 5:
      case 6:
        return "nellymoser";
      case 9:
        return p.length >= 5 ? new String(p, 1, 4, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT)
            : "enhanced";
      default:
        return "format-" + format;
    }
  }
}
