package dev.parley.core.testing;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.config.ConfigSchema;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.time.TimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A real server for tests: every listener on an ephemeral loopback port, a temporary data
 * directory, fixed secrets. {@link #restart()} starts a new server on the same data directory.
 */
public final class TestKernel implements AutoCloseable {
  public static final String ADMIN_SECRET = "test-admin-secret";
  public static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

  private final Supplier<List<ParleyModule>> modules;
  private final Map<String, Object> overrides;
  private final java.util.Set<String> unset;
  private final Path dataDir;
  private final boolean ownDataDir;
  private final TimeSource time;
  private final StorageFixture database;
  private Kernel kernel;

  private TestKernel(Supplier<List<ParleyModule>> modules, Map<String, Object> overrides, java.util.Set<String> unset,
      Path dataDir, boolean ownDataDir, TimeSource time, StorageFixture database) {
    this.modules = modules;
    this.database = database;
    this.overrides = overrides;
    this.unset = unset;
    this.dataDir = dataDir;
    this.ownDataDir = ownDataDir;
    this.time = time;
  }

  /** A builder for a server made of the modules {@code modules} supplies (fresh instances per start). */
  public static Builder builder(Supplier<List<ParleyModule>> modules) {
    return new Builder(modules);
  }

  /** The config a server of these modules gets: ephemeral loopback ports, the test data dir. */
  public Config config() {
    return config(modules.get());
  }

  private Config config(List<ParleyModule> ms) {
    ConfigSchema schema = Kernel.schema(ms);
    Config.Builder b = Config.builder(schema);
    for (ConfigKey<?> key : schema.keys()) {
      if (key.name().endsWith(".port")) {
        b.set(key.name(), "0");
      } else if (key.name().endsWith(".host")) {
        b.set(key.name(), "127.0.0.1");
      }
    }
    b.set("data.dir", dataDir.toString());
    if (!unset.contains("admin.secret")) {
      b.set("admin.secret", ADMIN_SECRET);
    }
    if (!unset.contains("auth.jwt.secret")) {
      b.set("auth.jwt.secret", JWT_SECRET);
    }
    b.set("store.sqlite.synchronous", "normal");
    b.set("server.io-threads", "2");
    b.set("server.shutdown-grace", "1s");
    overrides.forEach(b::set);
    return b.build();
  }

  private TestKernel start() {
    List<ParleyModule> ms = modules.get();
    kernel = Kernel.start(config(ms), ms, time);
    return this;
  }

  public Kernel kernel() {
    return kernel;
  }

  public int port(String listener) {
    return kernel.boundPort(listener);
  }

  public int httpPort() {
    return port("http");
  }

  public String httpBase() {
    return "http://127.0.0.1:" + httpPort();
  }

  /** The time the server runs on. */
  public TimeSource time() {
    return time;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A token for {@code userId} valid for an hour. */
  public String token(String userId) {
    return kernel.context().tokens().mint(userId, java.time.Duration.ofHours(1));
  }

  /** Stops the server gracefully and starts a new one on the same data directory. */
  public TestKernel restart() {
    kernel.stop();
    return start();
  }

  /** Stops the server (gracefully, as on SIGTERM). */
  public void stop() {
    if (kernel != null) {
      kernel.stop();
    }
  }

  /** Starts again after {@link #stop()}. */
  public TestKernel startAgain() {
    return start();
  }

  @Override
  public void close() {
    stop();
    if (database != null) {
      database.close();
    }
    if (ownDataDir) {
      try (Stream<Path> walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Builds a {@link TestKernel}. */
  public static final class Builder {
    private final Supplier<List<ParleyModule>> modules;
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final java.util.Set<String> unset = new java.util.HashSet<>();
    private Path dataDir;
    private TimeSource time = TimeSource.system();

    private Builder(Supplier<List<ParleyModule>> modules) {
      this.modules = modules;
    }

    /** Sets a config key (raw value, as in the config file). */
    public Builder set(String key, Object value) {
      overrides.put(key, value);
      return this;
    }

    /** Leaves a key the fixture would set (the secrets) at its real default. */
    public Builder unset(String key) {
      unset.add(key);
      return this;
    }

    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** The server's time: a {@link ManualTime} makes every timeout and expiry happen on {@code advance}. */
    public Builder time(TimeSource time) {
      this.time = time;
      return this;
    }

    public TestKernel start() {
      boolean own = dataDir == null;
      Path dir = dataDir;
      if (own) {
        try {
          dir = Files.createTempDirectory("parley-test-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      // With -Dparley.test.store=postgres every test kernel stores in a database of its own.
      StorageFixture database = null;
      Map<String, Object> config = new LinkedHashMap<>(overrides);
      if (StorageFixture.selected() == StoreBackend.POSTGRES && !overrides.containsKey("store.postgres.url")) {
        database = StorageFixture.create(StoreBackend.POSTGRES);
        config.putAll(database.kernelConfig());
      }
      try {
        return new TestKernel(modules, config, unset, dir, own, time, database).start();
      } catch (RuntimeException e) {
        if (database != null) {
          database.close();
        }
        throw e;
      }
    }
  }
}
