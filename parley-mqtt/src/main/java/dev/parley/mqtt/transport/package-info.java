/**
 * Connections: the MQTT part of the TCP, TLS and WebSocket pipelines (built in {@code MqttPipeline},
 * named and ordered in {@code MqttHandlerNames}), the one handler per connection, the protocol of a
 * connection and its CONNECT, PUBLISH and SUBSCRIBE flows, and the shared sweep of connection
 * deadlines. Internal but for {@link dev.parley.mqtt.transport.MqttTransport}, which the module
 * wires.
 */
package dev.parley.mqtt.transport;
