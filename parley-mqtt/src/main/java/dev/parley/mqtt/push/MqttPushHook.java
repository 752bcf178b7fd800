package dev.parley.mqtt.push;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.protocol.im.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IM core's offline-delivery hook: a message for a user with no online IM device is published
 * at QoS 1 to {@code users/{userId}/messages} as protobuf's canonical JSON of the stored
 * {@link Message}, so a device that holds only an MQTT connection (or a persistent session) gets it.
 */
public final class MqttPushHook implements OfflineDeliveryHook {
  private static final Logger log = LoggerFactory.getLogger(MqttPushHook.class);
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final MessageProps PROPS = new MessageProps(true, -1, "application/json", null, null, List.of());

  private final Broker broker;

  public MqttPushHook(Broker broker) {
    this.broker = broker;
  }

  /** The push topic of a user. */
  public static String topic(String userId) {
    return "users/" + userId + "/messages";
  }

  @Override
  public void onOfflineMessage(String userId, Message message) {
    String json;
    try {
      json = JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      log.error("cannot print message {} of {} as JSON", message.getSeq(), message.getConversation(), e);
      return;
    }
    Broker.Published p = broker.publish(new AppMessage(topic(userId), json.getBytes(StandardCharsets.UTF_8), 1,
        false, PROPS, AppMessage.NEVER, null));
    log.debug("push to {}: {} {} reached {} session(s)", userId, message.getConversation(), message.getSeq(),
        p.matched());
  }
}
