/**
 * The broker: publishing (retained messages, then routing), opening and taking over sessions, wills,
 * and the broker's metrics. Public: the module, the transport and the push hook use it.
 */
package dev.parley.mqtt.broker;
