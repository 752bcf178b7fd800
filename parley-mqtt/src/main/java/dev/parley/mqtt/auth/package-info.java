/**
 * Who a client is (Parley tokens, static device credentials, anonymous loopback) and what it may do (access rules).
 * Internal to parley-mqtt.
 */
package dev.parley.mqtt.auth;
