package dev.parley.core.store.jdbc;

/**
 * Thrown by an op or a {@link GroupCommitWriter.BatchListener} inside a batch that must be rolled
 * back and run once more as a whole, the thrower having switched to a slower way that cannot meet
 * the same problem (for example: rows written optimistically in one go, one of which turned out
 * to be a no-op). The writer runs the batch again once; a second failure takes the usual path.
 */
public final class RerunBatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RerunBatchException(String why) {
    super(why, null, false, false);
  }
}
