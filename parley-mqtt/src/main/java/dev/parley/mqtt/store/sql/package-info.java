/**
 * The SQLite implementation of {@link dev.parley.mqtt.store.MqttStore} and the broker's schema.
 * The only package of parley-mqtt that sees JDBC or SQL. Public only for the module's wiring.
 */
package dev.parley.mqtt.store.sql;
