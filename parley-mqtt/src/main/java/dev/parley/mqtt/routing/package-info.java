/**
 * Where sessions are and where messages go: the {@link dev.parley.mqtt.routing.SessionDirectory}
 * (which node holds a client id's session) and the {@link dev.parley.mqtt.routing.MessageRouter}
 * (deliver a publish to every matching subscription, on this node or another), with their
 * in-process implementations. Public: the cluster module implements the interfaces; the broker
 * chooses the implementation.
 */
package dev.parley.mqtt.routing;
