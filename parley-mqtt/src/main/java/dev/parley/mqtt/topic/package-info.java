/**
 * Topic names and filters: validation, matching, the subscription trie and the retained-message tree.
 * Internal to parley-mqtt (parley-it's Mosquitto test also reads the trie).
 */
package dev.parley.mqtt.topic;
