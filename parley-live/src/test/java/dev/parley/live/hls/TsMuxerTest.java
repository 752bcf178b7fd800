package dev.parley.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class TsMuxerTest {
  @Test
  void patFixtureWithCrc() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TsMuxer(TsMuxer.STREAM_H264, TsMuxer.STREAM_AAC).writeTables(out);
    byte[] ts = out.toByteArray();
    assertThat(ts).hasSize(2 * 188);
    // sync, PUSI + PID 0, payload only + cc 0, pointer 0, table 0, length 13, tsid 1, version, sections,
    // program 1 -> PMT PID 0x1000, then the CRC-32/MPEG of the section (a well-known value for this PAT)
    assertThat(java.util.HexFormat.of().formatHex(ts, 0, 21))
        .isEqualTo("474000100000b00d0001c100000001f0002ab104b2");
    assertThat(ts[21]).isEqualTo((byte) 0xFF); // stuffing
    // PMT: PCR on the video PID, then H.264 on 0x100 and AAC on 0x101
    assertThat(java.util.HexFormat.of().formatHex(ts, 188, 188 + 27))
        .isEqualTo("475000100002b0170001c10000e100f0001be100f0000fe101f000");
  }

  @Test
  void pesCarriesPtsDtsPcrAndKeepsContinuityAcrossPackets() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TsMuxer m = new TsMuxer(TsMuxer.STREAM_H264, 0);
    byte[] au = new byte[1000];
    m.writeVideo(out, 90_000, 93_600, au, true);
    m.writeVideo(out, 93_600, 97_200, new byte[10], false);
    byte[] ts = out.toByteArray();
    assertThat(ts.length % 188).isZero();
    // first packet: PUSI, adaptation field with random access + PCR, then the PES header
    assertThat(ts[1] & 0x40).isNotZero();
    assertThat(ts[3] & 0x30).isEqualTo(0x30);
    assertThat(ts[5] & 0x50).isEqualTo(0x50);
    long pcrBase = ((ts[6] & 0xFFL) << 25) | ((ts[7] & 0xFF) << 17) | ((ts[8] & 0xFF) << 9) | ((ts[9] & 0xFF) << 1)
        | ((ts[10] & 0xFF) >> 7);
    assertThat(pcrBase).isEqualTo(90_000);
    int pes = 4 + 1 + (ts[4] & 0xFF);
    assertThat(ts[pes + 3]).isEqualTo((byte) 0xE0);
    assertThat(ts[pes + 7] & 0xC0).isEqualTo(0xC0); // PTS and DTS
    assertThat(readTs(ts, pes + 9)).isEqualTo(93_600);
    assertThat(readTs(ts, pes + 14)).isEqualTo(90_000);
    int last = -1;
    for (int off = 0; off < ts.length; off += 188) {
      int cc = ts[off + 3] & 0x0F;
      if (last >= 0) {
        assertThat(cc).isEqualTo((last + 1) & 0x0F);
      }
      last = cc;
    }
  }

  @Test
  void timestampsWrapAt33Bits() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TsMuxer(0, TsMuxer.STREAM_AAC).writeAudio(out, (1L << 33) + 500, new byte[20]);
    byte[] ts = out.toByteArray();
    int pes = 4 + 1 + (ts[4] & 0xFF);
    assertThat(readTs(ts, pes + 9)).isEqualTo(500);
  }

  private static long readTs(byte[] b, int off) {
    return (((b[off] & 0x0EL) >> 1) << 30) | ((b[off + 1] & 0xFFL) << 22) | (((b[off + 2] & 0xFEL) >> 1) << 15)
        | ((b[off + 3] & 0xFFL) << 7) | ((b[off + 4] & 0xFEL) >> 1);
  }
}
