package dev.parley.mqtt;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.config.MqttKeys;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.push.MqttPushHook;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.transport.BrokerServices;
import dev.parley.mqtt.transport.MqttConnection;
import dev.parley.mqtt.transport.MqttPipeline;
import dev.parley.mqtt.transport.MqttWebSocketEndpoint;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.Channel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The MQTT broker: TCP (and TLS) listeners, the WebSocket endpoint, sessions restored from the store, push. */
public final class MqttModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(MqttModule.class);

  private Broker broker;
  private DefaultChannelGroup channels;
  private io.netty.channel.EventLoopGroup loops;

  @Override
  public String name() {
    return "mqtt";
  }

  @Override
  public int order() {
    return 200;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MqttKeys.all();
  }

  @Override
  public void start(ServerContext ctx) {
    Config config = ctx.config();
    MqttSettings settings = MqttSettings.from(config);
    Acl acl = new Acl(config.get(MqttKeys.ACL));
    Authenticator auth = new Authenticator(ctx.tokens(), config.get(MqttKeys.DEVICES),
        config.get(MqttKeys.ANONYMOUS_LOOPBACK), config.get(MqttKeys.ANONYMOUS));
    MqttStore store = new MqttStore(ctx.storage());
    broker = new Broker(settings, store, ctx.time(), ctx.metrics());
    int restored = new SessionRestorer(broker, store, ctx.eventLoops().group()).restore();

    loops = ctx.eventLoops().group();
    channels = new DefaultChannelGroup("mqtt", GlobalEventExecutor.INSTANCE);
    AtomicInteger connected = new AtomicInteger();
    Gauge.builder("parley.mqtt.connections", connected, AtomicInteger::get).description("Open MQTT connections")
        .register(ctx.metrics());
    BrokerServices services = new BrokerServices(broker, settings, auth, acl, channels, connected, ctx.time());
    MqttPipeline pipeline = new MqttPipeline(services);

    ctx.listen(new TcpListener("mqtt", MqttKeys.TCP.settings(config), pipeline, pipeline::reject));
    if (config.get(MqttKeys.SECURE_ENABLED)) {
      ctx.listen(new TcpListener("mqtts", new ListenerKeys.Settings(true, config.get(MqttKeys.SECURE_HOST),
          config.get(MqttKeys.SECURE_PORT), true, config.get(MqttKeys.SECURE_MAX_PER_IP)), pipeline, pipeline::reject));
    }
    if (config.get(MqttKeys.WEBSOCKET_ENABLED)) {
      ctx.http().webSocket(config.get(MqttKeys.WEBSOCKET_PATH),
          new MqttWebSocketEndpoint(pipeline, settings.maxPacketSize()));
    }
    if (config.get(MqttKeys.PUSH_ENABLED)) {
      ctx.services().register(OfflineDeliveryHook.class, new MqttPushHook(broker));
    }
    ctx.services().register(StatsContributor.class, new StatsContributor() {
      @Override
      public String section() {
        return "mqtt";
      }

      @Override
      public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", connected.get());
        m.put("sessions", broker.sessions().size());
        m.put("subscriptions", broker.subscriptions().size());
        m.put("retained", broker.retained().size());
        return m;
      }
    });
    ctx.services().register(Broker.class, broker);
    log.info("MQTT broker: {} persistent session(s) and {} retained message(s) restored", restored,
        broker.retained().size());
  }

  /** The broker (for tests and other modules, also in the service registry). */
  public Broker broker() {
    return broker;
  }

  @Override
  public void drain() {
    if (channels == null) {
      return;
    }
    for (Channel ch : channels) {
      MqttConnection c = ch.pipeline().get(MqttConnection.class);
      if (c != null) {
        ch.eventLoop().execute(c::shutdown);
      } else {
        ch.close();
      }
    }
    channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    // Closed channels run their inactive handlers (session rows, wills) as loop tasks: let them
    // finish while the store is still open.
    for (io.netty.util.concurrent.EventExecutor loop : loops) {
      loop.submit(() -> { }).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }
}
