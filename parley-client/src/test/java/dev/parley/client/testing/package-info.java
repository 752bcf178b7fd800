/** Test fixtures of the SDK: a fault-injecting TCP proxy, a scripted server, a listener that records. */
package dev.parley.client.testing;
