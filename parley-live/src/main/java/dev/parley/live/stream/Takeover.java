package dev.parley.live.stream;

/** What happens when a second publisher asks for a stream that has one. */
public enum Takeover {
  /** Refuse the newcomer (NetStream.Publish.BadName). */
  OFF,
  /**
   * The newcomer takes the stream when the current publisher has sent no media for the idle
   * window: a publisher that dropped and reconnects before its old TCP connection timed out.
   */
  IDLE,
  /** The newcomer always takes the stream; the old publisher is disconnected. */
  ALWAYS
}
