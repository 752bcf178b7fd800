/**
 * MQTT across the nodes of a cluster, over core's {@link dev.parley.core.cluster.NodeBus}: the
 * router that hands a publish once to every other node with a matching filter
 * ({@link dev.parley.mqtt.cluster.ClusterMessageRouter}) and the broadcast of retained message
 * changes ({@link dev.parley.mqtt.cluster.RetainedSync}). Used only when a bus is registered; a
 * single server never loads it. Internal: the module wires it.
 */
package dev.parley.mqtt.cluster;
