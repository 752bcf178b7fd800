package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.config.MqttSettings;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection handler shares: the broker, the limits, authentication and access rules,
 * and the set of open connections (for shutdown and stats).
 */
public record BrokerServices(Broker broker, MqttSettings settings, Authenticator authenticator, Acl acl,
    ChannelGroup channels, AtomicInteger connected) {}
