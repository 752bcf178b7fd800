/**
 * MQTT across the nodes of a cluster, over core's {@link dev.parley.core.cluster.NodeBus}: the
 * router that hands a publish once to every other node with a matching filter and to one node per
 * shared subscription ({@link dev.parley.mqtt.cluster.ClusterMessageRouter},
 * {@link dev.parley.mqtt.cluster.ShareGroups}), the broadcast of retained message changes
 * ({@link dev.parley.mqtt.cluster.RetainedSync}) and the directory that moves a session to the
 * node its client connects to and settles simultaneous claims
 * ({@link dev.parley.mqtt.cluster.ClusterSessionDirectory}). Used only when a bus is registered;
 * a single server never loads it. Internal: the module wires it.
 */
package dev.parley.mqtt.cluster;
