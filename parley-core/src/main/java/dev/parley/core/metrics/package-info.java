/**
 * Metrics: the Prometheus registry behind /metrics; every meter is named parley_*. Internal to
 * parley-core: modules register meters on the {@code MeterRegistry} of {@code ServerContext.metrics()}.
 */
package dev.parley.core.metrics;
