package dev.parley.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimestampRolloverTest {
  private final Timestamps c = new Timestamps();

  @Test
  void timestampsKeepGrowingAcrossThe32BitWrap() {
    assertThat(c.extend(1, 0xFFFFFF00L)).isEqualTo(0xFFFFFF00L);
    assertThat(c.extend(1, 0xFFFFFFF0L)).isEqualTo(0xFFFFFFF0L);
    assertThat(c.extend(1, 0x10L)).isEqualTo((1L << 32) + 0x10);
    assertThat(c.extend(1, 0xFFFFFFF8L)).as("a late frame from before the wrap").isEqualTo(0xFFFFFFF8L);
    assertThat(c.extend(1, 0x20L)).isEqualTo((1L << 32) + 0x20);
  }

  @Test
  void tracksWrapIndependently() {
    c.extend(0, 0xFFFFFFF0L);
    c.extend(1, 0xFFFFFFF0L);
    assertThat(c.extend(0, 5)).isEqualTo((1L << 32) + 5);
    assertThat(c.extend(1, 0xFFFFFFF5L)).isEqualTo(0xFFFFFFF5L);
  }
}
