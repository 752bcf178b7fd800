package dev.parley.live.stream;

/** Events of a stream that viewers hear about between its frames. */
public enum Notice {
  /** A publisher started (or took over); the next frames are its sequence headers and a keyframe. */
  PUBLISH_START,
  /** The publisher left; viewers wait for the next one. */
  UNPUBLISH
}
