package dev.parley.core.store;

import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.Migration;
import dev.parley.core.store.jdbc.SqlFunction;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's database as a module's store implementation sees it, whatever the backend: the
 * embedded SQLite file ({@code store.sqlite.SqliteStorage}) or, in a cluster, a PostgreSQL server
 * every node shares. Every backend is reached through JDBC: a store picks its SQL by
 * {@link #backend()}, migrates its own schema when it opens, writes through the one group-commit
 * {@link #writer()} and reads on the backend's reader threads. {@link #read}, and the writer's
 * {@link GroupCommitWriter#submit} and {@link GroupCommitWriter#write}, only queue work and may be
 * called from any thread, event loops included; {@link #migrate} blocks.
 *
 * <p>Handed to modules by {@code ServerContext.storage()}; the kernel opens and closes it (after
 * every module has stopped, writing everything queued first).
 */
public interface Storage {
  /** Which database this is; a store with SQL for several backends chooses by it. */
  StoreBackend backend();

  /**
   * The group-commit writer; every write goes through it. Its ops run on the writer thread, one
   * transaction per batch, and their callbacks after the batch is durable.
   */
  GroupCommitWriter writer();

  /**
   * Runs {@code work} on a reader thread with a connection of its own, beside the writer. Fails
   * with {@code StoreOverloadedException} when too many reads are waiting.
   */
  <T> CompletableFuture<T> read(SqlFunction<T> work);

  /**
   * Brings {@code schema} up to date: applies the steps of it not yet applied, in order of version,
   * and returns when they are durable. A store calls it once when it opens, before it takes traffic.
   *
   * @param schema the schema's name, unique in the database ("im", "mqtt")
   * @param steps every step of the schema, released ones included, in this backend's SQL
   * @throws IllegalStateException when a step fails
   */
  void migrate(String schema, List<Migration> steps);
}
