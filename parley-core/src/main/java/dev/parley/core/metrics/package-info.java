/** Metrics: the Prometheus registry behind /metrics; every meter is named parley_*. */
package dev.parley.core.metrics;
