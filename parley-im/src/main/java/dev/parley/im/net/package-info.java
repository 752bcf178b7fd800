/** IM transports: TCP framing, the WebSocket endpoint, wire formats and connection timers. */
package dev.parley.im.net;
