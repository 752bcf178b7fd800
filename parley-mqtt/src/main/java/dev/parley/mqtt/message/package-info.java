/**
 * The values every layer of the broker passes along: an application message as it is routed, and a
 * will as a session keeps it. Immutable. Public: the push hook, the store and the tests build them.
 */
package dev.parley.mqtt.message;
