package dev.parley.im.store.sql;

import dev.parley.core.store.jdbc.WriteOp;
import dev.parley.im.store.Callback;
import dev.parley.im.store.ImException;
import dev.parley.protocol.im.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A write of the IM store. {@link #run} may refuse with {@link ImException} before writing
 * anything; the refusal reaches the caller once the batch commits. It may run twice if its batch
 * is retried op by op, so it keeps no state between runs beyond its result. The callback runs on
 * the writer thread after the commit.
 */
abstract class ImOp<T> implements WriteOp {
  private final String conversation;
  private final Callback<T> callback;
  private T result;
  private ImException refusal;

  /** An op that writes into {@code conversation} (null: none known before it runs). */
  ImOp(String conversation, Callback<T> callback) {
    this.conversation = conversation;
    this.callback = callback;
  }

  /** The conversation this op writes into, known before it runs; null when there is none. */
  final String conversation() {
    return conversation;
  }

  abstract T run(Connection c) throws SQLException;

  @Override
  public final void apply(Connection c) throws SQLException {
    result = null;
    refusal = null;
    try {
      result = run(c);
    } catch (ImException e) {
      refusal = e;
    }
  }

  @Override
  public final void committed() {
    callback.done(refusal == null ? result : null, refusal);
  }

  @Override
  public final void failed(Throwable cause) {
    callback.done(null, new ImException(ErrorCode.ERROR_CODE_INTERNAL,
        "the request could not be stored; retry it (with the same client id)"));
  }
}
