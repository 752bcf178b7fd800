package dev.parley.client;

import dev.parley.protocol.im.Presence;

/**
 * Presence of followed users ({@link ParleyClient#subscribePresence}): their state when followed
 * (again after every reconnect), then each change.
 */
@FunctionalInterface
public interface PresenceListener {
  /** A followed user's state. */
  void onPresence(Presence presence);
}
