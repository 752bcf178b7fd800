package dev.parley.live.rtmp;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * Fires {@link IdleStateEvent#READER_IDLE_STATE_EVENT} once when nothing was read for
 * {@code timeout}, like Netty's {@code IdleStateHandler} but on the server's {@link TimeSource},
 * so tests move its deadline by hand. One timer per connection, set for the time left until the
 * deadline; reads only note the time.
 */
final class ReadIdleHandler extends ChannelInboundHandlerAdapter {
  private final TimeSource time;
  private final Duration timeout;
  private long lastRead;
  private boolean started;
  private Cancellable timer = Cancellable.NONE;

  ReadIdleHandler(TimeSource time, Duration timeout) {
    this.time = time;
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    lastRead = time.nanoTime();
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    timer.cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel();
  }

  private void start(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    lastRead = time.nanoTime();
    timer = time.schedule(ctx.executor(), () -> check(ctx), timeout);
  }

  private void check(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    long idle = time.nanoTime() - lastRead;
    if (idle >= timeout.toNanos()) {
      ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    } else {
      timer = time.schedule(ctx.executor(), () -> check(ctx), timeout.minusNanos(idle));
    }
  }
}
