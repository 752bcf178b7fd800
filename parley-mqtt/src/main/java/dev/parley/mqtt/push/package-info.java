/**
 * Push for app users: IM messages for users with no online IM device go to their MQTT push topic.
 * Internal to parley-mqtt.
 */
package dev.parley.mqtt.push;
