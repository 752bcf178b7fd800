/**
 * The JDBC machinery every SQL backend shares (SQLite today, PostgreSQL in a cluster): the
 * group-commit writer and its ops, per-thread prepared statements, schema migrations. Public for
 * the backends and for modules' SQL store implementations; nothing else uses it.
 */
package dev.parley.core.store.jdbc;
