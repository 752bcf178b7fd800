package dev.parley.core.spi;

import java.util.Map;

/** Adds a section to {@code GET /api/v1/stats}. */
public interface StatsContributor {
  /** The section's name ("im", "mqtt"). */
  String section();

  /** Current figures: numbers, strings, or nested maps of them. */
  Map<String, Object> stats();
}
