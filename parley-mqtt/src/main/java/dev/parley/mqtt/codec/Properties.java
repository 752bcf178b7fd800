package dev.parley.mqtt.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * MQTT 5 properties of one packet (section 2.2.2). Fields are null (or empty) when absent. The
 * decoder fills a fresh instance; senders build one and hand it to a packet, after which it is
 * not changed.
 */
public final class Properties {
  public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
  public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
  public static final int CONTENT_TYPE = 0x03;
  public static final int RESPONSE_TOPIC = 0x08;
  public static final int CORRELATION_DATA = 0x09;
  public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
  public static final int SESSION_EXPIRY_INTERVAL = 0x11;
  public static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
  public static final int SERVER_KEEP_ALIVE = 0x13;
  public static final int AUTHENTICATION_METHOD = 0x15;
  public static final int AUTHENTICATION_DATA = 0x16;
  public static final int REQUEST_PROBLEM_INFORMATION = 0x17;
  public static final int WILL_DELAY_INTERVAL = 0x18;
  public static final int REQUEST_RESPONSE_INFORMATION = 0x19;
  public static final int RESPONSE_INFORMATION = 0x1A;
  public static final int SERVER_REFERENCE = 0x1C;
  public static final int REASON_STRING = 0x1F;
  public static final int RECEIVE_MAXIMUM = 0x21;
  public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
  public static final int TOPIC_ALIAS = 0x23;
  public static final int MAXIMUM_QOS = 0x24;
  public static final int RETAIN_AVAILABLE = 0x25;
  public static final int USER_PROPERTY = 0x26;
  public static final int MAXIMUM_PACKET_SIZE = 0x27;
  public static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
  public static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
  public static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

  /** An instance with nothing set; never modified. */
  public static final Properties NONE = new Properties();

  public Integer payloadFormatIndicator;
  public Long messageExpiryInterval;
  public String contentType;
  public String responseTopic;
  public byte[] correlationData;
  public List<Integer> subscriptionIdentifiers;
  public Long sessionExpiryInterval;
  public String assignedClientIdentifier;
  public Integer serverKeepAlive;
  public String authenticationMethod;
  public byte[] authenticationData;
  public Integer requestProblemInformation;
  public Long willDelayInterval;
  public Integer requestResponseInformation;
  public String responseInformation;
  public String serverReference;
  public String reasonString;
  public Integer receiveMaximum;
  public Integer topicAliasMaximum;
  public Integer topicAlias;
  public Integer maximumQos;
  public Integer retainAvailable;
  public List<UserProperty> userProperties;
  public Long maximumPacketSize;
  public Integer wildcardSubscriptionAvailable;
  public Integer subscriptionIdentifierAvailable;
  public Integer sharedSubscriptionAvailable;

  public List<UserProperty> userProperties() {
    return userProperties == null ? List.of() : userProperties;
  }

  public Properties addUserProperty(String name, String value) {
    if (userProperties == null) {
      userProperties = new ArrayList<>(2);
    }
    userProperties.add(new UserProperty(name, value));
    return this;
  }

  /** A reason string for a peer that did not turn problem information off. */
  public static Properties reason(String text) {
    Properties p = new Properties();
    p.reasonString = text;
    return p;
  }

  /** The message-level properties of a PUBLISH or will. */
  public MessageProps messageProps() {
    if (payloadFormatIndicator == null && messageExpiryInterval == null && contentType == null
        && responseTopic == null && correlationData == null && userProperties == null) {
      return MessageProps.NONE;
    }
    return new MessageProps(payloadFormatIndicator != null && payloadFormatIndicator == 1,
        messageExpiryInterval == null ? -1 : messageExpiryInterval, contentType, responseTopic, correlationData,
        userProperties == null ? List.of() : List.copyOf(userProperties));
  }
}
