package dev.parley.live.hls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Writes MPEG-2 transport stream packets: PAT, PMT and PES packets of one program with at most one
 * video and one audio elementary stream, continuity counters per PID, PCR on the PCR PID (video if
 * any), random access indicators on keyframes. Timestamps are 90 kHz, taken modulo 2^33.
 */
final class TsMuxer {
  public static final int PACKET = 188;
  static final int PMT_PID = 0x1000;
  static final int VIDEO_PID = 0x100;
  static final int AUDIO_PID = 0x101;
  /** Stream types in the PMT. */
  public static final int STREAM_H264 = 0x1B;
  public static final int STREAM_HEVC = 0x24;
  public static final int STREAM_AAC = 0x0F;
  private static final long MASK_33 = (1L << 33) - 1;

  private final int videoType;
  private final int audioType;
  private int ccPat;
  private int ccPmt;
  private int ccVideo;
  private int ccAudio;
  private final byte[] pkt = new byte[PACKET];

  /**
   * @param videoType PMT stream type of the video, or 0 for none
   * @param audioType PMT stream type of the audio, or 0 for none
   */
  public TsMuxer(int videoType, int audioType) {
    this.videoType = videoType;
    this.audioType = audioType;
  }

  private int pcrPid() {
    return videoType != 0 ? VIDEO_PID : AUDIO_PID;
  }

  /** Writes the PAT and the PMT (at the start of every segment). */
  public void writeTables(ByteArrayOutputStream out) {
    byte[] pat = {
        0x00, // table_id: program association
        (byte) 0xB0, 0x0D, // section_syntax_indicator, reserved, section_length 13
        0x00, 0x01, // transport_stream_id
        (byte) 0xC1, // reserved, version 0, current_next_indicator
        0x00, 0x00, // section_number, last_section_number
        0x00, 0x01, // program_number 1
        (byte) (0xE0 | (PMT_PID >> 8)), (byte) PMT_PID}; // reserved, program_map_PID
    section(out, 0, pat, ccPat++);
    int streams = (videoType != 0 ? 1 : 0) + (audioType != 0 ? 1 : 0);
    int sectionLength = 9 + 5 * streams + 4;
    byte[] pmt = new byte[3 + sectionLength - 4];
    int i = 0;
    pmt[i++] = 0x02; // table_id: program map
    pmt[i++] = (byte) (0xB0 | (sectionLength >> 8));
    pmt[i++] = (byte) sectionLength;
    pmt[i++] = 0x00;
    pmt[i++] = 0x01; // program_number
    pmt[i++] = (byte) 0xC1;
    pmt[i++] = 0x00;
    pmt[i++] = 0x00;
    pmt[i++] = (byte) (0xE0 | (pcrPid() >> 8));
    pmt[i++] = (byte) pcrPid();
    pmt[i++] = (byte) 0xF0;
    pmt[i++] = 0x00; // program_info_length 0
    if (videoType != 0) {
      i = esInfo(pmt, i, videoType, VIDEO_PID);
    }
    if (audioType != 0) {
      esInfo(pmt, i, audioType, AUDIO_PID);
    }
    section(out, PMT_PID, pmt, ccPmt++);
  }

  private static int esInfo(byte[] b, int i, int type, int pid) {
    b[i++] = (byte) type;
    b[i++] = (byte) (0xE0 | (pid >> 8));
    b[i++] = (byte) pid;
    b[i++] = (byte) 0xF0;
    b[i++] = 0x00; // ES_info_length 0
    return i;
  }

  private void section(ByteArrayOutputStream out, int pid, byte[] table, int cc) {
    Arrays.fill(pkt, (byte) 0xFF);
    pkt[0] = 0x47;
    pkt[1] = (byte) (0x40 | (pid >> 8)); // payload_unit_start_indicator
    pkt[2] = (byte) pid;
    pkt[3] = (byte) (0x10 | (cc & 0x0F)); // payload only
    pkt[4] = 0x00; // pointer_field
    System.arraycopy(table, 0, pkt, 5, table.length);
    int crc = Crc32Mpeg.of(table, 0, table.length);
    int p = 5 + table.length;
    pkt[p] = (byte) (crc >>> 24);
    pkt[p + 1] = (byte) (crc >>> 16);
    pkt[p + 2] = (byte) (crc >>> 8);
    pkt[p + 3] = (byte) crc;
    out.write(pkt, 0, PACKET);
  }

  /** Writes one video access unit (Annex B) as a PES packet, with PCR and the random access flag on keyframes. */
  public void writeVideo(ByteArrayOutputStream out, long dts90, long pts90, byte[] data, boolean keyframe) {
    writePes(out, VIDEO_PID, 0xE0, dts90, pts90, data, keyframe, pcrPid() == VIDEO_PID);
  }

  /** Writes one audio frame (with its ADTS header) as a PES packet. */
  public void writeAudio(ByteArrayOutputStream out, long pts90, byte[] data) {
    writePes(out, AUDIO_PID, 0xC0, pts90, pts90, data, videoType == 0, pcrPid() == AUDIO_PID);
  }

  private void writePes(ByteArrayOutputStream out, int pid, int streamId, long dts, long pts, byte[] data,
      boolean randomAccess, boolean withPcr) {
    dts &= MASK_33;
    pts &= MASK_33;
    boolean withDts = dts != pts;
    int headerDataLen = withDts ? 10 : 5;
    byte[] pes = new byte[9 + headerDataLen];
    pes[2] = 0x01;
    pes[3] = (byte) streamId;
    int pesLen = 3 + headerDataLen + data.length;
    if (pesLen > 0xFFFF || streamId == 0xE0) {
      pesLen = 0; // unbounded, allowed for video
    }
    pes[4] = (byte) (pesLen >> 8);
    pes[5] = (byte) pesLen;
    pes[6] = (byte) 0x80; // marker bits '10'
    pes[7] = (byte) (withDts ? 0xC0 : 0x80); // PTS_DTS_flags
    pes[8] = (byte) headerDataLen;
    timestamp(pes, 9, withDts ? 0x3 : 0x2, pts);
    if (withDts) {
      timestamp(pes, 14, 0x1, dts);
    }
    int cc = pid == VIDEO_PID ? ccVideo : ccAudio;
    int total = pes.length + data.length;
    int pos = 0;
    boolean first = true;
    while (pos < total) {
      int remaining = total - pos;
      boolean pcr = first && withPcr;
      boolean rai = first && randomAccess;
      int afBody = pcr || rai ? 1 + (pcr ? 6 : 0) : -1; // adaptation field bytes after its length byte; -1: none
      int space = PACKET - 4 - (afBody >= 0 ? 1 + afBody : 0);
      if (remaining < space) {
        int stuffing = space - remaining;
        if (afBody < 0) {
          afBody = stuffing - 1; // 0 means just the length byte
        } else {
          afBody += stuffing;
        }
      }
      pkt[0] = 0x47;
      pkt[1] = (byte) ((first ? 0x40 : 0) | (pid >> 8));
      pkt[2] = (byte) pid;
      pkt[3] = (byte) ((afBody >= 0 ? 0x30 : 0x10) | (cc & 0x0F));
      cc++;
      int p = 4;
      if (afBody >= 0) {
        pkt[p++] = (byte) afBody;
        if (afBody > 0) {
          int flagsAt = p++;
          pkt[flagsAt] = (byte) ((rai ? 0x40 : 0) | (pcr ? 0x10 : 0));
          if (pcr) {
            long base = dts; // PCR at the frame's decode time
            pkt[p++] = (byte) (base >> 25);
            pkt[p++] = (byte) (base >> 17);
            pkt[p++] = (byte) (base >> 9);
            pkt[p++] = (byte) (base >> 1);
            pkt[p++] = (byte) (((base & 1) << 7) | 0x7E);
            pkt[p++] = 0x00;
          }
          int end = 4 + 1 + afBody;
          while (p < end) {
            pkt[p++] = (byte) 0xFF;
          }
        }
      }
      int n = PACKET - p;
      for (int k = 0; k < n; k++, pos++) {
        pkt[p + k] = pos < pes.length ? pes[pos] : data[pos - pes.length];
      }
      out.write(pkt, 0, PACKET);
      first = false;
    }
    if (pid == VIDEO_PID) {
      ccVideo = cc;
    } else {
      ccAudio = cc;
    }
  }

  private static void timestamp(byte[] b, int off, int prefix, long ts) {
    b[off] = (byte) ((prefix << 4) | (((ts >> 30) & 0x07) << 1) | 1);
    b[off + 1] = (byte) (ts >> 22);
    b[off + 2] = (byte) ((((ts >> 15) & 0x7F) << 1) | 1);
    b[off + 3] = (byte) (ts >> 7);
    b[off + 4] = (byte) (((ts & 0x7F) << 1) | 1);
  }
}
