/** Who a client is (Parley tokens, static device credentials, anonymous loopback) and what it may do (access rules). */
package dev.parley.mqtt.auth;
