/**
 * The storage SPI: {@link Storage}, the database every module's store implementation is given,
 * and {@link StoreBackend}. Public API for modules. No JDBC type is named here: the JDBC machinery
 * is in {@code store.jdbc}, the SQLite backend in {@code store.sqlite}, and a PostgreSQL backend
 * goes beside it.
 */
package dev.parley.core.store;
