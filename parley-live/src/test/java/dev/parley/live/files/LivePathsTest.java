package dev.parley.live.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LivePathsTest {
  private final Path base = Path.of("/srv/parley/data/hls");

  @Test
  void aNameResolvesInsideItsDirectory() {
    assertThat(LivePaths.under(base, "live")).isEqualTo(base.resolve("live"));
    assertThat(LivePaths.under(base, "...")).isEqualTo(base.resolve("...")); // three dots: a plain name
    assertThat(LivePaths.under(base, "..-0.ts")).isEqualTo(base.resolve("..-0.ts"));
  }

  @Test
  void aNameThatLeavesOrIsTheDirectoryIsRefused() {
    for (String bad : new String[] {"..", ".", "", "a/../..", "../recordings", "/etc", "live/../../x"}) {
      assertThatThrownBy(() -> LivePaths.under(base, bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("leads outside");
    }
  }

  @Test
  void aRelativeBaseIsMadeAbsoluteFirst() {
    assertThat(LivePaths.under(Path.of("data/hls"), "live").isAbsolute()).isTrue();
    assertThatThrownBy(() -> LivePaths.under(Path.of("data/hls"), "..")).isInstanceOf(IllegalArgumentException.class);
  }
}
