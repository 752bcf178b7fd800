package dev.parley.core.store;

import java.util.List;

/**
 * One step of a module's schema. Versions of a module run in order, each in its own transaction,
 * and are recorded in {@code schema_migrations}; a step never changes once released.
 *
 * @param module the owning module ("im", "mqtt")
 * @param version 1, 2, 3, ... per module
 * @param description what the step does
 * @param statements SQL statements run in order
 */
public record Migration(String module, int version, String description, List<String> statements) {
  public Migration {
    if (version < 1) {
      throw new IllegalArgumentException("migration versions start at 1");
    }
    statements = List.copyOf(statements);
  }
}
