/**
 * IM across the nodes of a cluster, over parley-core's {@code NodeBus}: the directory that knows
 * the sessions of every node (kick policy, session cap and presence cluster-wide) and the router
 * that hands committed messages and frames to the nodes holding their recipients' sessions.
 * Built only when the cluster module registered a bus; a server on its own never loads it.
 * Internal to parley-im.
 */
package dev.parley.im.cluster;
