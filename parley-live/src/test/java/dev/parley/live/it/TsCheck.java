package dev.parley.live.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

/** Checks an MPEG-TS segment: packet sync, PAT/PMT first with valid CRCs, continuity per PID, PES starts. */
final class TsCheck {
  private TsCheck() {}

  static void assertValid(byte[] ts) {
    assertThat(ts.length % 188).isZero();
    Map<Integer, Integer> cc = new HashMap<>();
    int pesStarts = 0;
    for (int off = 0; off < ts.length; off += 188) {
      assertThat(ts[off]).isEqualTo((byte) 0x47);
      int pid = ((ts[off + 1] & 0x1F) << 8) | (ts[off + 2] & 0xFF);
      boolean start = (ts[off + 1] & 0x40) != 0;
      int afc = (ts[off + 3] >> 4) & 3;
      int counter = ts[off + 3] & 0x0F;
      if ((afc & 1) != 0) {
        Integer prev = cc.put(pid, counter);
        if (prev != null) {
          assertThat(counter).as("continuity of PID %d", pid).isEqualTo((prev + 1) & 0x0F);
        }
      }
      if (off == 0) {
        assertThat(pid).as("first packet is the PAT").isZero();
        assertThat(crcOk(ts, off)).isTrue();
      }
      if (off == 188) {
        assertThat(pid).as("second packet is the PMT").isEqualTo(0x1000);
        assertThat(crcOk(ts, off)).isTrue();
      }
      if (start && pid >= 0x100 && pid < 0x1000) {
        int p = off + 4 + ((afc & 2) != 0 ? 1 + (ts[off + 4] & 0xFF) : 0);
        assertThat(new byte[] {ts[p], ts[p + 1], ts[p + 2]}).containsExactly(0, 0, 1);
        pesStarts++;
      }
    }
    assertThat(pesStarts).isGreaterThan(0);
  }

  private static boolean crcOk(byte[] ts, int off) {
    int start = off + 5;
    int len = (((ts[start + 1] & 0x0F) << 8) | (ts[start + 2] & 0xFF)) + 3;
    int crc = 0xFFFFFFFF;
    for (int i = start; i < start + len; i++) { // CRC over the section including its CRC is zero
      crc ^= (ts[i] & 0xFF) << 24;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
      }
    }
    return crc == 0;
  }
}
