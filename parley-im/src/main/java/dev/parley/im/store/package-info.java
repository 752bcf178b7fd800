/** IM storage: schema, the writer-side conversation state, writes and reads over the SQLite store. */
package dev.parley.im.store;
