package dev.parley.core.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: ordinary disconnects and broken peers are logged at debug
 * and the channel closed; anything else is a bug in a handler and is logged loudly.
 */
@ChannelHandler.Sharable
public final class QuietExceptionHandler extends ChannelInboundHandlerAdapter {
  public static final QuietExceptionHandler INSTANCE = new QuietExceptionHandler();
  private static final Logger log = LoggerFactory.getLogger(QuietExceptionHandler.class);

  private QuietExceptionHandler() {}

  /** Puts the handler at the end of {@code p} again, after handlers were added behind it. */
  public static void moveToTail(ChannelPipeline p) {
    if (p.get(ChannelHandlerNames.QUIET_EXCEPTIONS) != null) {
      p.remove(ChannelHandlerNames.QUIET_EXCEPTIONS);
    }
    p.addLast(ChannelHandlerNames.QUIET_EXCEPTIONS, INSTANCE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (isOrdinary(cause)) {
      log.debug("{} closed: {}", ctx.channel(), cause.toString());
    } else {
      log.error("{} unexpected error; closing", ctx.channel(), cause);
    }
    ctx.close();
  }

  /** Peer resets, TLS garbage, and the like: the other side's problem, not ours. */
  public static boolean isOrdinary(Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return c instanceof IOException && !(c instanceof UncheckedIOException)
        || c instanceof ClosedChannelException
        || c instanceof SSLException
        || c instanceof NotSslRecordException;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Nothing upstream consumed it: release and drop rather than leak.
    ReferenceCountUtil.release(msg);
  }
}
