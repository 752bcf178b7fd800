package dev.parley.core.net;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * A TCP listener a module asks the kernel to bind. The kernel puts the per-IP limiter and TLS in
 * front of the module's handlers and the quiet exception handler behind them.
 *
 * @param name short name for logs and metrics ("im-tcp", "mqtt", "rtmp")
 * @param settings host, port, TLS and per-IP cap
 * @param initializer adds the module's handlers to a new connection's pipeline
 * @param onReject called for a connection over the per-IP cap; must close it
 */
public record TcpListener(String name, ListenerKeys.Settings settings, Consumer<Channel> initializer,
    Consumer<Channel> onReject) {

  public TcpListener(String name, ListenerKeys.Settings settings, Consumer<Channel> initializer) {
    this(name, settings, initializer, Channel::close);
  }
}
