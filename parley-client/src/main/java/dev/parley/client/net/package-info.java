/** Internal: the links the SDK speaks over (NIO TCP with optional TLS, JDK WebSocket) and the I/O loop. */
package dev.parley.client.net;
