package dev.parley.core.spi;

import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.LoginOk;
import dev.parley.protocol.im.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * What the IM service offers other modules that ride on IM connections (call and room signaling):
 * handle frame types IM itself does not, reach a user's online sessions, hear sessions come and
 * go, store messages in a direct conversation, add to the login answer. Registered by the IM
 * module in the {@link ServiceRegistry}.
 */
public interface ImGateway {
  /** A logged-in IM session. */
  interface ImSession {
    String user();

    String deviceId();

    String sessionId();

    /** Any thread: sends one frame and flushes. */
    void send(Frame frame);
  }

  /** Handles client frames of one type; runs on the session's event loop, after rate limiting. */
  @FunctionalInterface
  interface FrameHandler {
    void handle(ImSession session, Frame frame);
  }

  /** Told when sessions log in and when they close (on the session's event loop). */
  interface SessionListener {
    default void opened(ImSession session) {}

    default void closed(ImSession session) {}
  }

  /** Routes client frames of {@code bodyCase} (which IM does not handle itself) to {@code handler}. */
  void handle(Frame.BodyCase bodyCase, FrameHandler handler);

  /** The user's online sessions on this node. */
  List<ImSession> sessions(String user);

  /** Sends {@code frame} to every online session of {@code user}; returns how many there were. */
  int sendToUser(String user, Frame frame);

  void addSessionListener(SessionListener listener);

  /**
   * Stores {@code draft} (kind, text, custom, event, attributes; sender and client id as given) in
   * the direct conversation of {@code sender} and {@code peer}, and delivers it like any message.
   * Completes with the stored message once it is durable.
   */
  CompletableFuture<Message> sendDirect(String sender, String peer, Message draft);

  /** Adds to every LoginOk (called on the event loop during login, with the user id). */
  void addLoginDecorator(BiConsumer<String, LoginOk.Builder> decorator);
}
