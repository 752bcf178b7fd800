package dev.parley.live.hls;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HLS output.
 *
 * @param dir where segments are written ({@code <data.dir>/hls})
 * @param targetDuration segments are cut at the first keyframe after this much media
 * @param window segments listed in the playlist; older ones are kept a while, then deleted
 * @param linger how long an ended stream's playlist and segments stay before they are deleted
 */
public record HlsSettings(Path dir, Duration targetDuration, int window, Duration linger) {}
