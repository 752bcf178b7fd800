package dev.parley.mqtt.store;

/**
 * One subscription as stored.
 *
 * @param filter the filter as the client wrote it ({@code $share/g/f} for shared ones)
 * @param options the subscription options packed as in SUBSCRIBE (QoS, no local, retain as published,
 *     retain handling)
 * @param subscriptionId MQTT 5 subscription identifier, 0 for none
 */
public record SubscriptionRow(String filter, int options, int subscriptionId) {}
