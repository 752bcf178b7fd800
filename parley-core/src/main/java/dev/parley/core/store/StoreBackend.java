package dev.parley.core.store;

/** The database behind a {@link Storage}; a store that writes SQL writes the backend's dialect. */
public enum StoreBackend {
  /** The embedded SQLite file in {@code data.dir}: one node, nothing else to run. */
  SQLITE,
  /** A PostgreSQL server shared by every node of a cluster. */
  POSTGRES
}
