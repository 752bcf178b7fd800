/** The broker's configuration keys and their validated, immutable settings. */
package dev.parley.mqtt.config;
