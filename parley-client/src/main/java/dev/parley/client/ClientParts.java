package dev.parley.client;

import dev.parley.protocol.im.Frame;
import java.util.concurrent.CompletableFuture;

/** The rest of the client, as the {@link Connector} drives it. I/O loop only. */
interface ClientParts {
  /** Logged in as {@code userId}: sync first, then what waited to be sent, then the app's requests. */
  void online(String userId);

  /** The link went away (its requests in flight have heard it). */
  void offline();

  /** Logout or close: everything queued fails with {@code ex}. */
  void failAll(ParleyException ex);

  /** Saves the cursors; the future says when done. */
  CompletableFuture<Void> saveNow();

  /** A frame from the server that answers no request and is not about the connection itself. */
  void frame(Frame frame);
}
