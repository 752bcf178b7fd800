/**
 * Live streams: the hub of every stream, each stream's publisher, GOP cache and viewers (grouped by
 * event loop, the slow- and stalled-viewer policies), the sinks fed with every frame (HLS,
 * recording), stats and metrics. Frames enter on the publisher's event loop and reach each viewer
 * on its own. Internal to parley-live.
 */
package dev.parley.live.stream;
