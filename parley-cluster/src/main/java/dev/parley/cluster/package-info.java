/**
 * parley-cluster: many identical nodes. {@link dev.parley.cluster.ClusterModule} starts, when
 * {@code cluster.enabled} is on, the Redis implementation of parley-core's {@code Cluster} seam
 * (which nodes are alive, whether this node reaches Redis). Only the module class is public (found
 * through {@code META-INF/services}); the rest is internal.
 */
package dev.parley.cluster;
