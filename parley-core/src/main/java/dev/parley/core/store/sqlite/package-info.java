/**
 * The embedded SQLite backend of the storage SPI ({@code store.Storage}): the database file in WAL
 * mode, its reader pool and its WAL checkpointer. Internal to parley-core, which opens it; only
 * {@link Synchronous} (a config value) is seen outside.
 */
package dev.parley.core.store.sqlite;
