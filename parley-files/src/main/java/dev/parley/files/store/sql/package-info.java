/** The files module's store on the server's database (SQLite or PostgreSQL). */
package dev.parley.files.store.sql;
