package dev.parley.mqtt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's first run in a data directory is told apart from the runs after it, per node id. */
class EarlierRunTest {
  @TempDir
  Path dir;

  @Test
  void theFirstRunIsNew_theNextOnesRanBefore_andAnotherNodeIdIsNewThere() {
    Path data = dir.resolve("data");
    assertThat(EarlierRun.of(data, "n1")).isFalse();
    assertThat(EarlierRun.of(data, "n1")).isTrue();
    assertThat(EarlierRun.of(data, "n1")).isTrue();
    assertThat(EarlierRun.of(data, "n2")).isFalse();
  }
}
