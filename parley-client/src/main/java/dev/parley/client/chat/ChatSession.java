package dev.parley.client.chat;

import dev.parley.client.ParleyClient;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An interactive chat on one {@link ParleyClient}: lines typed are messages to the current
 * conversation or {@code /commands}; messages, receipts, presence, typing and connection changes
 * are printed as they happen. Input comes from one thread; events from the client's callback thread.
 */
public final class ChatSession {
  /** How often the others are told that this user is typing, at most. */
  private static final long TYPING_EVERY_MILLIS = 3000;

  private final ParleyClient client;
  private final ChatOutput out;
  private final ChatState state;
  private final ChatCommands commands;
  private final ChatEvents events;
  private volatile long lastTypingSent;

  public ChatSession(ParleyClient client, String user, ChatOutput out, boolean autoRead) {
    this.client = client;
    this.out = out;
    this.state = new ChatState(user);
    this.commands = new ChatCommands(client, out, state);
    this.events = new ChatEvents(client, out, state, autoRead);
  }

  /** Listens to the client and connects it. */
  public void start() {
    events.listen();
    out.line("-- connecting to " + client.config().server() + " ... (/help for commands)");
    client.connect();
  }

  /** The prompt for the next line: who the current conversation is with. */
  public String prompt() {
    String t = state.target;
    String me = state.me;
    return (me == null ? "" : me) + (t == null ? "" : " -> " + state.format.where(t, me)) + "> ";
  }

  /** Handles one line of input; false when the user asked to quit. */
  public boolean handle(String line) {
    return commands.handle(line);
  }

  /** The user is typing in the current conversation (told to the others at most every 3 s). */
  public void typing() {
    String t = state.target;
    long now = System.currentTimeMillis();
    if (t != null && now - lastTypingSent > TYPING_EVERY_MILLIS) {
      lastTypingSent = now;
      client.typing(t, true);
    }
  }

  /** Waits up to {@code max} for queued messages to be acknowledged (before quitting). */
  public boolean drain(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (client.pendingSends() > 0 && System.nanoTime() < end) {
      LockSupport.parkNanos(20_000_000L);
    }
    return client.pendingSends() == 0;
  }
}
