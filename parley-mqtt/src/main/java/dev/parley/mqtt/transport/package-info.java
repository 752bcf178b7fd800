/** Connections: the Netty pipeline for TCP, TLS and WebSocket, and the per-connection protocol handler. */
package dev.parley.mqtt.transport;
