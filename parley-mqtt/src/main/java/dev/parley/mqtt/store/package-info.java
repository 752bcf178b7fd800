/**
 * The broker's storage interface: {@link dev.parley.mqtt.store.MqttStore} (sessions, subscriptions,
 * queued messages, inbound QoS 2 ids, retained messages), the narrower
 * {@link dev.parley.mqtt.store.SessionStore} a session writes through, the rows they exchange and
 * the store form of a will. Public: implementations live in {@code store.sql} and, later, in the
 * cluster module. No SQL here.
 */
package dev.parley.mqtt.store;
