package dev.parley.live.stream;

/** Events of a stream that viewers hear about between its frames. */
public enum Notice {
  /**
   * A publisher started: the first one, one back within the reconnect grace, or one that took
   * the stream over. The next frames are its sequence headers and a keyframe.
   */
  PUBLISH_START,
  /** The publisher left and none came back within the reconnect grace: the stream has ended for now. */
  ENDED
}
