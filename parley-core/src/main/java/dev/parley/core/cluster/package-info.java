/**
 * The nodes that serve together: the {@link dev.parley.core.cluster.Cluster} seam (which nodes are
 * alive, whether this node reaches what they share), this node's identity ({@link
 * dev.parley.core.cluster.NodeIds}) and what it reports of itself ({@link
 * dev.parley.core.cluster.NodeInfo}). A single server is a cluster of one ({@link
 * dev.parley.core.cluster.SingleNode}); parley-cluster implements the shared one on Redis. Public:
 * modules and parley-cluster use it.
 */
package dev.parley.core.cluster;
