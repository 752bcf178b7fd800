package dev.parley.core.store.sqlite;

/** SQLite's {@code PRAGMA synchronous} in WAL mode. */
public enum Synchronous {
  /** Every commit is on disk when it returns (fsync of the WAL): survives power loss. */
  FULL,
  /** Commits survive a crash of the process but the last ones may be lost on power loss. */
  NORMAL,
  /** No fsync at all; for benchmarks of everything but the disk. */
  OFF
}
