package dev.parley.bench.mqtt;

import dev.parley.mqtt.codec.MqttDecoder;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One MQTT 3.1.1 connection of the load generator, on Netty with Parley's codec (the same for
 * every broker measured). Callbacks run on the connection's event loop.
 */
final class BenchClient extends ChannelInboundHandlerAdapter {
  final CompletableFuture<Void> connected = new CompletableFuture<>();
  final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private final Consumer<MqttPacket.Publish> onMessage;
  Channel channel;
  private boolean pendingFlush;

  private final String clientId;

  private BenchClient(String clientId, Consumer<MqttPacket.Publish> onMessage) {
    this.clientId = clientId;
    this.onMessage = onMessage;
  }

  /** Opens a connection and sends CONNECT; {@link #connected} completes on CONNACK. */
  static BenchClient open(EventLoopGroup group, int port, String clientId, Consumer<MqttPacket.Publish> onMessage) {
    BenchClient c = new BenchClient(clientId, onMessage);
    new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            MqttDecoder d = new MqttDecoder(1 << 20, false);
            d.level(MqttVersion.V3_1_1);
            ch.pipeline().addLast(d, new MqttEncoder.Handler(MqttVersion.V3_1_1), c);
          }
        })
        .connect(new InetSocketAddress("127.0.0.1", port)).addListener(f -> {
          if (!f.isSuccess()) {
            System.out.println("connection " + clientId + " failed to connect: " + f.cause());
            c.connected.completeExceptionally(f.cause());
          }
        });
    return c;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    ctx.writeAndFlush(new MqttPacket.Connect(MqttVersion.V3_1_1, true, 600, Properties.NONE, clientId, null, null,
        null));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttPacket.Publish p) {
      onMessage.accept(p);
      if (p.qos() == 1) {
        ctx.write(new MqttPacket.PubReply(PacketType.PUBACK, p.packetId()), ctx.voidPromise());
        pendingFlush = true;
      }
    } else if (msg instanceof MqttPacket.ConnAck a) {
      if (a.reasonCode() == 0) {
        connected.complete(null);
      } else {
        connected.completeExceptionally(new IllegalStateException("CONNACK " + a.reasonCode()));
      }
    } else if (msg instanceof MqttPacket.SubAck) {
      subscribed.complete(null);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (pendingFlush) {
      pendingFlush = false;
      ctx.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!connected.isDone()) {
      System.out.println("connection " + clientId + " closed before CONNACK");
    }
    connected.completeExceptionally(new IllegalStateException("closed"));
    subscribed.completeExceptionally(new IllegalStateException("closed"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!connected.isDone()) {
      System.out.println("connection " + clientId + " failed: " + cause);
    }
    ctx.close();
  }

  void subscribe(String filter, int qos) {
    channel.writeAndFlush(new MqttPacket.Subscribe(1, 0, List.of(), List.of(new MqttPacket.Subscription(filter, qos))));
  }
}
