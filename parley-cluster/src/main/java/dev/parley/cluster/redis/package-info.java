/**
 * The node registry on Redis: each node's report in one hash, refreshed every heartbeat, read back
 * into the view {@code /api/v1/cluster} shows. Internal to parley-cluster.
 */
package dev.parley.cluster.redis;
