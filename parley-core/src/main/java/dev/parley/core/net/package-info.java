/** Listeners and transports: the shared event loop group, TCP listeners, TLS, per-IP limits. */
package dev.parley.core.net;
