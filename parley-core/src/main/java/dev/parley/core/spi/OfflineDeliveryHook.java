package dev.parley.core.spi;

import dev.parley.protocol.im.Message;

/**
 * Told about a message for a user who has no online IM device, once it is durably stored. Push
 * providers and the MQTT broker (topic {@code users/{userId}/...}) implement it. Called off the
 * event loops; must not block for long (hand slow work to an executor).
 */
public interface OfflineDeliveryHook {
  void onOfflineMessage(String userId, Message message);
}
