package dev.parley.server.cli;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.kernel.Kernel;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.postgres.PostgresStorage;
import dev.parley.core.store.postgres.SqliteToPostgres;
import dev.parley.core.store.postgres.SqliteToPostgres.TableCount;
import dev.parley.core.store.sqlite.SqliteStorage;
import dev.parley.core.store.sqlite.Synchronous;
import dev.parley.im.store.sql.ImMigrations;
import dev.parley.mqtt.store.sql.MqttMigrations;
import dev.parley.server.Modules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley migrate --to postgres}: copies the SQLite database in {@code data.dir} into the
 * PostgreSQL database of {@code store.postgres.*}. Run it with the server stopped. Both schemas are
 * brought up to date first; rows go over in batches and rows already there are skipped, so a cut-off
 * run continues when started again. Prints each table's row counts on both sides (stdout) and
 * exits 1 when any differ.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Copy the SQLite data in data.dir into PostgreSQL, resumably.",
        "Writes into store.postgres.url, then compares each table's row count.",
        "Run it with the server stopped."})
final class MigrateCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--to", required = true, paramLabel = "BACKEND", description = "Where to: postgres.")
  String to;

  @Option(names = "--batch", defaultValue = "1000", paramLabel = "ROWS",
      description = "Rows per transaction (default ${DEFAULT-VALUE}).")
  int batch;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (!"postgres".equals(to)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--to': '" + to
          + "' (the one target is postgres)");
    }
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--batch': it must be at least 1");
    }
    Config config = options.load(Kernel.schema(Modules.discover()));
    String url = config.get(CoreKeys.STORE_POSTGRES_URL);
    if (url == null || url.isBlank()) {
      throw new ConfigException("store.postgres.url: set it to the PostgreSQL database to migrate into");
    }
    Path file = config.get(CoreKeys.DATA_DIR).resolve("parley.db");
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("data.dir: no SQLite database at " + file);
    }
    PostgresStorage.Settings target = new PostgresStorage.Settings(url, config.get(CoreKeys.STORE_POSTGRES_USER),
        config.get(CoreKeys.STORE_POSTGRES_PASSWORD), 1, config.get(CoreKeys.STORE_MAX_BATCH),
        config.get(CoreKeys.STORE_QUEUE));
    PrintWriter err = spec.commandLine().getErr();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (CloseableStorage sqlite = new SqliteStorage(new SqliteStorage.Settings(file, Synchronous.FULL, 1,
        config.get(CoreKeys.STORE_MAX_BATCH), config.get(CoreKeys.STORE_QUEUE)), metrics, Clock.systemUTC());
        CloseableStorage postgres = open(target, metrics)) {
      for (CloseableStorage s : List.of(sqlite, postgres)) {
        s.migrate("im", ImMigrations.of(s.backend()));
        s.migrate("mqtt", MqttMigrations.of(s.backend()));
      }
    }
    List<TableCount> counts = SqliteToPostgres.copy(file, target, batch, line -> {
      err.println(line);
      err.flush();
    });
    PrintWriter out = spec.commandLine().getOut();
    boolean same = true;
    for (TableCount c : counts) {
      out.printf("%-20s sqlite %10d  postgres %10d  copied %10d  %s%n", c.table(), c.source(), c.target(), c.copied(),
          c.matches() ? "ok" : "DIFFERENT");
      same &= c.matches();
    }
    out.flush();
    if (!same) {
      err.println("parley migrate: row counts differ; the PostgreSQL database held rows the SQLite one does not");
      err.flush();
    }
    return same ? ParleyCommand.OK : ParleyCommand.FAILED;
  }

  private static CloseableStorage open(PostgresStorage.Settings target, SimpleMeterRegistry metrics) {
    try {
      return new PostgresStorage(target, metrics, Clock.systemUTC());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException("store.postgres.url: " + e.getMessage());
    }
  }
}
