package dev.parley.live.hls;

import java.nio.file.Path;

/**
 * One finished segment of a playlist.
 *
 * @param sequence its media sequence number
 * @param duration seconds of media
 * @param file where it is stored
 * @param discontinuity whether a new publisher starts with it
 */
record Segment(long sequence, double duration, Path file, boolean discontinuity) {}
