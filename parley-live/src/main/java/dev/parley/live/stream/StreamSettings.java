package dev.parley.live.stream;

import java.time.Duration;

/**
 * How streams behave.
 *
 * @param gopCache whether new viewers get the frames since the last keyframe at once
 * @param gopMaxFrames frames the GOP cache holds at most (beyond it the cache empties until the next keyframe)
 * @param gopMaxBytes bytes the GOP cache holds at most
 * @param viewerQueueBytes bytes queued for one viewer before it drops to the next keyframe
 * @param takeover the second-publisher policy
 * @param takeoverIdle how long a publisher must be silent before {@link Takeover#IDLE} replaces it
 * @param maxStreams streams that may exist at once
 * @param mergeWrites how long frames may wait to be written to viewers together (0: each at once)
 * @param reconnectGrace how long a stream whose publisher left waits for one before it ends
 * @param viewerStallTimeout a viewer whose connection takes no bytes for this long is closed
 */
public record StreamSettings(boolean gopCache, int gopMaxFrames, long gopMaxBytes, long viewerQueueBytes,
    Takeover takeover, Duration takeoverIdle, int maxStreams, Duration mergeWrites, Duration reconnectGrace,
    Duration viewerStallTimeout) {}
