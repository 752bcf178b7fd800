/**
 * The PostgreSQL backend of the storage SPI: a server every node of a cluster shares. Internal to
 * parley-core: modules see it only as a {@code Storage} whose backend is POSTGRES.
 */
package dev.parley.core.store.postgres;
