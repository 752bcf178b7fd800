/** Live streams, their publishers and viewers, the GOP cache and the slow-viewer policy. */
package dev.parley.live.stream;
