/**
 * Listeners and transports: the shared event loop group, TCP listeners and the pipeline every
 * one of them gets ({@link ListenerInitializer}, {@link ChannelHandlerNames}), TLS, per-IP limits,
 * the last exception handler. Public API for modules that listen ({@link TcpListener},
 * {@link ListenerKeys}); the initializer is the kernel's.
 */
package dev.parley.core.net;
