/**
 * Where the SDK keeps what must outlive the process (public): sync cursors ({@code CursorStore},
 * {@code FileCursorStore}) and learned heartbeat intervals ({@code FileHeartbeatMemory});
 * {@code PropertiesFile} is internal.
 */
package dev.parley.client.store;
