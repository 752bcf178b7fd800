package dev.parley.core.http;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Handles a request whose body streams ({@link HttpRouter#streamed}): an upload of any size,
 * taken chunk by chunk as it arrives, with the connection reading no further until a chunk is
 * taken. Runs on the connection's event loop and must not block.
 */
@FunctionalInterface
public interface BodyHandler {
  /**
   * The request's head has arrived (its {@link HttpExchange#body()} is empty). Answers the sink
   * for its body; or answers the exchange at once (a refusal: throwing {@link ApiException} does)
   * and returns null, and the body is read and dropped.
   */
  Sink begin(HttpExchange exchange) throws Exception;

  /** Where one request's body goes; called on the connection's event loop, one call at a time. */
  interface Sink {
    /**
     * The next bytes of the body, in order. They are the caller's: read them before the stage
     * completes, and do not keep or release them. The connection reads on once it completes; a
     * stage that fails ends the request ({@link #abort} is not called then: the sink failed it).
     */
    CompletionStage<?> write(ByteBuf bytes);

    /** The body is complete and every write completed: answer the exchange. */
    void end();

    /** The body will not complete (the connection closed before its end); the exchange cannot be answered. */
    void abort(Throwable cause);
  }
}
