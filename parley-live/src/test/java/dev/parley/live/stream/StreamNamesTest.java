package dev.parley.live.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamNamesTest {
  @Test
  void namesOfSafeCharactersAreValid() {
    for (String ok : new String[] {"live", "cam-1", "a_b.c~d", "...", ".hidden", "x".repeat(128)}) {
      assertThat(StreamNames.valid(ok)).as(ok).isTrue();
    }
  }

  @Test
  void pathStepsSeparatorsAndOtherCharactersAreNot() {
    for (String bad : new String[] {".", "..", "", "a/b", "a\\b", "a b", "x".repeat(129), "caf\u00e9", "a?b"}) {
      assertThat(StreamNames.valid(bad)).as(bad).isFalse();
    }
    assertThat(StreamNames.valid(null)).isFalse();
  }
}
