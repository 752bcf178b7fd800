/** The MQTT 3.1.1 and 5.0 wire format: packets, properties, a strict decoder and an encoder. */
package dev.parley.mqtt.codec;
