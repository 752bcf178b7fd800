/**
 * The Parley Java SDK. Public: {@link dev.parley.client.ParleyClient} and what configures it
 * ({@code ClientConfig}, {@code ClientRuntime}, {@code Backoff}, {@code TokenProvider}), listens to it
 * (the {@code *Listener}s, {@code ConnectionEvent}) and what it hands back ({@code PendingSend},
 * {@code Outgoing}, {@code ParleyException}). Everything else here is package-private machinery,
 * all on the client's I/O loop: {@code Engine} wires the parts; {@code Connector} is the connection
 * state machine (with {@code HeartbeatTimer}, {@code ReconnectDelays}, {@code LinkOpener}); the
 * {@code SendQueue}, {@code Receiver} (with {@code Cursors}), {@code RequestQueue} and
 * {@code PresenceFollows} see it only through {@code Connection}; time is {@code LoopTimers}.
 */
package dev.parley.client;
