package dev.parley.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's postgresql package) on an ephemeral loopback port with its own
 * temporary cluster: superuser {@code parley}, trust authentication on loopback. As root (as CI
 * runs) the server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 * {@link #stop()} is PostgreSQL's fast shutdown (connected sessions are ended, as in a restart or
 * failover), and {@link #start()} after it brings the same cluster back on the same port.
 */
public final class PostgresServer extends ExternalServer {
  public static final String USER = "parley";
  private final boolean durable;

  /** A server for tests: fsync off (a crash of the machine is not what tests are about). */
  public PostgresServer() {
    this(false);
  }

  /** {@code durable}: fsync and synchronous commit on, as in production (for benchmarks). */
  public PostgresServer(boolean durable) {
    super("postgres");
    this.durable = durable;
  }

  public static PostgresServer started() {
    PostgresServer p = new PostgresServer();
    p.start();
    return p;
  }

  /** The JDBC URL of database {@code db} (see {@link #createDatabase}). */
  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  /** Creates a database owned by {@link #USER}; its JDBC URL. */
  public String createDatabase(String db) {
    run(List.of(bin("createdb"), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, db));
    return jdbcUrl(db);
  }

  /** Drops database {@code db}, ending any session still connected to it. */
  public void dropDatabase(String db) {
    run(List.of(bin("dropdb"), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "--force", "--if-exists",
        db));
  }

  private Path data() {
    return dir.resolve("pgdata");
  }

  @Override
  protected void prepare() {
    try {
      Files.createDirectories(data());
      if (root()) {
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(as("postgres", List.of(bin("initdb"), "-D", data().toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
        "--no-sync", "--no-instructions")));
  }

  @Override
  protected List<String> command() {
    List<String> c = new ArrayList<>(List.of(bin("postgres"), "-D", data().toString(), "-p", Integer.toString(port),
        "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"));
    if (!durable) {
      c.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
    }
    return as("postgres", c);
  }

  @Override
  protected void terminate(Process process) {
    // SIGTERM would be PostgreSQL's smart shutdown, which waits for every client to disconnect.
    run(as("postgres", List.of(bin("pg_ctl"), "stop", "-D", data().toString(), "-m", "fast", "-w", "-t", "60")));
  }

  @Override
  protected boolean ready() {
    try {
      Process p = new ProcessBuilder(bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", Integer.toString(port))
          .start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The newest installed PostgreSQL's program {@code name}. */
  static String bin(String name) {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin").resolve(name)))
            .max(Comparator.comparingInt(PostgresServer::major)).orElse(null);
        if (newest != null) {
          return newest.resolve("bin").resolve(name).toString();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return name;
  }

  private static int major(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
