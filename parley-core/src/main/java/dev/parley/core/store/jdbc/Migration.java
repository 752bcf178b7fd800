package dev.parley.core.store.jdbc;

import java.util.List;

/**
 * One step of a schema. The steps of a schema run in order of version, each in its own
 * transaction, and are recorded in {@code schema_migrations}; a step never changes once released.
 * The statements are the backend's SQL: a store with one SQL text per backend has one list of
 * steps per backend.
 *
 * @param version 1, 2, 3, ... per schema
 * @param description what the step does
 * @param statements SQL statements run in order
 */
public record Migration(int version, String description, List<String> statements) {
  public Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration versions start at 1");
    }
    statements = List.copyOf(statements);
  }
}
