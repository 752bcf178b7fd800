/** Persistence in the server's SQLite store: sessions, subscriptions, queued messages, retained messages. */
package dev.parley.mqtt.store;
