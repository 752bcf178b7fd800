package dev.parley.core.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One unit of work for the group-commit writer. {@link #apply} runs inside the batch's
 * transaction on the writer thread; after the batch commits, {@link #committed} runs on the
 * writer thread (keep it short: hand results to event loops), or {@link #failed} if it did not.
 */
public interface WriteOp {
  void apply(Connection connection) throws SQLException;

  /** The batch holding this op is durable. */
  void committed();

  /** This op could not be stored; nothing of it was written. */
  void failed(Throwable cause);
}
