package dev.parley.live.stream;

import dev.parley.live.media.MediaFrame;
import java.util.List;

/**
 * What a new viewer gets first: metadata, sequence headers (re-timed to the first frame), then the
 * GOP cache, all frames up to {@code lastSequence}; later frames arrive through its group.
 *
 * @param live whether a publisher is on the stream now
 * @param frames the frames to send at once
 * @param lastSequence the sequence of the newest frame the snapshot covers
 * @param hasAudio whether the stream carries audio (as far as known)
 * @param hasVideo whether the stream carries video
 */
public record JoinSnapshot(boolean live, List<MediaFrame> frames, long lastSequence, boolean hasAudio,
    boolean hasVideo) {}
