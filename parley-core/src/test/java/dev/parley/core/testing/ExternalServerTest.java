package dev.parley.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fixtures really start, stop, kill and restart their servers, and leave nothing behind. */
class ExternalServerTest {
  @Test
  void redisStartsAnswersDiesOnKillAndComesBackOnTheSamePort() {
    Path dir;
    try (RedisServer redis = RedisServer.started()) {
      dir = redis.dataDir();
      int port = redis.port();
      assertThat(redis.ready()).isTrue();
      redis.kill();
      assertThat(redis.running()).isFalse();
      assertThat(redis.ready()).isFalse();
      redis.start();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.ready()).isTrue();
    }
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void postgresStartsWithItsOwnClusterAndCreatesDatabases() {
    Path dir;
    try (PostgresServer pg = PostgresServer.started()) {
      dir = pg.dataDir();
      assertThat(pg.ready()).isTrue();
      assertThat(pg.createDatabase("parley_fixture")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port()
          + "/parley_fixture");
      pg.restart();
      assertThat(pg.ready()).isTrue();
      pg.stop();
      assertThat(pg.ready()).isFalse();
    }
    assertThat(Files.exists(dir)).isFalse();
  }
}
