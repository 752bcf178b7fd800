package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Identity;

/**
 * What CONNECT settled for one connection, fixed until it closes.
 *
 * @param level the protocol level (4 or 5)
 * @param identity who the client is
 * @param receiveMaximum the outbound in-flight window (the client's receive maximum, capped)
 * @param maximumPacketSize the largest packet the client accepts
 * @param topicAliasMaximum topic aliases the broker may use towards the client
 * @param expiryAtConnect the session expiry granted at CONNECT
 * @param keepAliveSeconds the keepalive granted, 0 for none
 */
record Terms(int level, String clientId, Identity identity, int receiveMaximum, long maximumPacketSize,
    int topicAliasMaximum, long expiryAtConnect, int keepAliveSeconds) {}
