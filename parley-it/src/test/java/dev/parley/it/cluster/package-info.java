/** End-to-end tests of a cluster: Parley nodes as processes of their own on PostgreSQL and Redis, behind HAProxy. */
package dev.parley.it.cluster;
