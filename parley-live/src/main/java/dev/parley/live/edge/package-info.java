/**
 * Live streams across the nodes of a cluster: each node holds the names it publishes on the
 * {@code NodeBus} (so a name is published on one node at a time), and a node whose viewers want a
 * stream published elsewhere pulls it from there over RTMP once and serves them from its own edge
 * copy ({@link dev.parley.live.edge.ClusterStreams}). Absent on a server of its own. Internal to
 * parley-live.
 */
package dev.parley.live.edge;
