/**
 * Internal, not for apps: the links the SDK speaks over (NIO TCP with optional TLS, the JDK's
 * WebSocket) and the I/O loop that runs them. {@code IoLoop}, {@code Link}, {@code TcpLink} and
 * {@code WebSocketLinks} are public only because {@code dev.parley.client} opens and runs them.
 */
package dev.parley.client.net;
