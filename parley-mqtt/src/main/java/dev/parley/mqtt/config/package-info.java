/**
 * The broker's configuration keys and their validated, immutable settings.
 * Internal to parley-mqtt.
 */
package dev.parley.mqtt.config;
