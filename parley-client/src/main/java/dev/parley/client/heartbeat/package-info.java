/** Heartbeat policies: a fixed interval, and an adaptive one that learns each network's NAT timeout. */
package dev.parley.client.heartbeat;
