package dev.parley.im.session;

import dev.parley.core.spi.ImGateway;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.wire.OutFrame;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Platform;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * One logged-in device connection, as the rest of IM sees it. Methods marked "event loop" must be
 * called on {@link #eventLoop()}; the others are safe from any thread.
 */
public interface Session extends ImGateway.ImSession {
  Platform platform();

  /**
   * When the connection opened (the server TimeSource's nanoTime): of two logins of one device, the one
   * on the newer connection is the device's current one.
   */
  long openedNanos();

  EventLoop eventLoop();

  /** Event loop: writes pushed messages (tracked until acknowledged), without flushing. */
  void push(OutFrame frame, List<StoredMessage> messages);

  /** Event loop: writes a frame without flushing. */
  void write(OutFrame frame);

  /** Event loop: flushes what was written. */
  void flush();

  /** Any thread: tells the session why and closes it; it must not reconnect on its own. */
  void kick(KickReason reason, String message);

  /** Any thread: a description for the admin API. */
  SessionInfo info();
}
