/**
 * The IM store on the server's SQL database (SQLite today): schema, the writer's conversation
 * state, writes through the group-commit writer and reads through the reader pool. The only
 * package of parley-im that sees {@code java.sql} or SQL text. Internal to parley-im: the module
 * builds it, everything else uses {@code ImStore}.
 */
package dev.parley.im.store.sql;
