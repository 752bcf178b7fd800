/**
 * The MQTT broker module: {@link dev.parley.mqtt.MqttModule} wires the store, the broker, the
 * listeners and the push hook, and brings the stored sessions back at start. Only the module class
 * is public.
 */
package dev.parley.mqtt;
