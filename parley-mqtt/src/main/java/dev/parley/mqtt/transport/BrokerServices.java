package dev.parley.mqtt.transport;

import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.config.MqttSettings;

/**
 * What every connection shares: the broker, the limits, the access rules, the open connections
 * with their deadlines, the time source of those deadlines, and the two stateless flows.
 */
record BrokerServices(Broker broker, MqttSettings settings, Acl acl, Connections connections, TimeSource time,
    ConnectFlow connectFlow, SubscribeFlow subscribeFlow) {}
