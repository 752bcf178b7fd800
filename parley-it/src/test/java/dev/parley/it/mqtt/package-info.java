/** End-to-end tests of the MQTT broker with Debian's mosquitto clients. */
package dev.parley.it.mqtt;
