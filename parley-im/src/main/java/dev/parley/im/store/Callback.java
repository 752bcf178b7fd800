package dev.parley.im.store;

/**
 * Where a write's outcome goes. A success arrives on the writer thread right after the commit,
 * before the batch is dispatched, so it may hand results to the {@code Dispatcher}. A refusal
 * arrives on the writer thread, or at once on the caller's thread when the store is overloaded.
 */
@FunctionalInterface
public interface Callback<T> {
  void done(T result, ImException error);
}
