/**
 * Sessions: the state of one client id and its lifecycle (attached, offline, ended), with its
 * subscriptions, messages in flight and queued with their packet ids, inbound QoS 2 ids, will and
 * expiry timers; and the two interfaces a session works through ({@code SessionHost}, the broker;
 * {@code Link}, its connection). {@code Session} and the types the broker and transport pass in are
 * public; the collaborators a session is made of are internal.
 */
package dev.parley.mqtt.session;
