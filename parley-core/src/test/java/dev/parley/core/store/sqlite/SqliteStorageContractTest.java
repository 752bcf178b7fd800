package dev.parley.core.store.sqlite;

import dev.parley.core.store.StorageContract;
import dev.parley.core.store.StoreBackend;

/** The storage contract on the embedded SQLite file. */
class SqliteStorageContractTest extends StorageContract {
  @Override
  protected StoreBackend backend() {
    return StoreBackend.SQLITE;
  }
}
