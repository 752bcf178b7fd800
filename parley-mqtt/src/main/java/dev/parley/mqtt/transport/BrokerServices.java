package dev.parley.mqtt.transport;

import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.config.MqttSettings;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection handler shares: the broker, the limits, authentication and access rules,
 * the set of open connections (for shutdown and stats) and the time source of every connection
 * timer (CONNECT timeout, keepalive).
 */
public record BrokerServices(Broker broker, MqttSettings settings, Authenticator authenticator, Acl acl,
    ChannelGroup channels, AtomicInteger connected, TimeSource time) {}
