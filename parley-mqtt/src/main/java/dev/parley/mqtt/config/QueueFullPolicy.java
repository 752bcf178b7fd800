package dev.parley.mqtt.config;

/** What a session does with a new QoS 1/2 message when its queue holds the maximum. */
public enum QueueFullPolicy {
  /** Keep what is queued; the new message is dropped for this session (Mosquitto's behaviour). */
  DROP_NEW,
  /** Drop the oldest queued (not yet sent) message to make room. */
  DROP_OLDEST
}
