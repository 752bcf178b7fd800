package dev.parley.im.testing;

import dev.parley.im.wire.OutFrame;
import dev.parley.im.session.Session;
import dev.parley.im.session.SessionInfo;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Platform;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Session} with no connection behind it, for unit tests of what drives sessions: it
 * records what it is sent, written, pushed and flushed. Not thread-safe: use it from the test
 * thread (an {@code EmbeddedChannel}'s loop runs there).
 */
public final class RecordingSession implements Session {
  private final String user;
  private final String deviceId;
  private final Platform platform;
  private final long openedNanos;
  private final EventLoop eventLoop;
  /** Frames given to {@link #send}, {@link #write} and {@link #push}, in order. */
  public final List<Frame> frames = new ArrayList<>();
  /** Messages given to {@link #push}, in order. */
  public final List<StoredMessage> pushed = new ArrayList<>();
  /** How often {@link #flush} was called. */
  public int flushes;

  public RecordingSession(String user, String deviceId, Platform platform, long openedNanos, EventLoop eventLoop) {
    this.user = user;
    this.deviceId = deviceId;
    this.platform = platform;
    this.openedNanos = openedNanos;
    this.eventLoop = eventLoop;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public String sessionId() {
    return user + "/" + deviceId + "/" + openedNanos;
  }

  @Override
  public void send(Frame frame) {
    frames.add(frame);
    flushes++;
  }

  @Override
  public Platform platform() {
    return platform;
  }

  @Override
  public long openedNanos() {
    return openedNanos;
  }

  @Override
  public EventLoop eventLoop() {
    return eventLoop;
  }

  @Override
  public void push(OutFrame frame, List<StoredMessage> messages) {
    frames.add(frame.frame());
    pushed.addAll(messages);
  }

  @Override
  public void write(OutFrame frame) {
    frames.add(frame.frame());
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void kick(KickReason reason, String message) {
    throw new UnsupportedOperationException("not used by these tests");
  }

  @Override
  public SessionInfo info() {
    return new SessionInfo(sessionId(), user, deviceId, platform.name(), "test", "", 0);
  }

  @Override
  public String toString() {
    return sessionId();
  }
}
