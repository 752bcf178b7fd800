package dev.parley.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Redis Sentinel ({@code redis-server --sentinel}, from Debian's redis-server package) on an
 * ephemeral loopback port, watching one master as {@link #MASTER}. With a quorum of one it fails
 * over alone: a master not answering for a second is replaced by its replica.
 */
public final class RedisSentinel extends ExternalServer {
  /** The name the master is monitored under. */
  public static final String MASTER = "parley";
  private final RedisServer master;

  public RedisSentinel(RedisServer master) {
    super("redis-sentinel");
    this.master = master;
  }

  /** The URL a client finds the current master through. */
  public String url() {
    return "redis-sentinel://127.0.0.1:" + port + "#" + MASTER;
  }

  @Override
  protected void prepare() {
    // Sentinel rewrites its file with what it learns (replicas, the new master after a failover).
    Path conf = dir.resolve("sentinel.conf");
    try {
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "protected-mode no",
          "dir " + dir,
          "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1",
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 5000",
          "sentinel parallel-syncs " + MASTER + " 1",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected List<String> command() {
    return List.of("redis-server", dir.resolve("sentinel.conf").toString(), "--sentinel");
  }

  @Override
  protected boolean ready() {
    return RedisServer.answersPing(port);
  }
}
