/**
 * The MQTT 3.1.1 and 5.0 wire format: packets, properties, a strict decoder and an encoder.
 * Public for parley-bench's MQTT load clients (decoder, encoder, packets); otherwise internal to
 * parley-mqtt.
 */
package dev.parley.mqtt.codec;
