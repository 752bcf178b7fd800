/** Storage kernel: the SQLite database, versioned migrations, the group-commit writer and the reader pool. */
package dev.parley.core.store;
