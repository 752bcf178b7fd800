package dev.parley.files.store.sql;

import dev.parley.core.store.jdbc.Migration;
import java.util.List;

/** The files module's schema, the same SQL on SQLite and PostgreSQL. Times are epoch milliseconds. */
final class FileMigrations {
  private FileMigrations() {}

  static List<Migration> all() {
    return List.of(new Migration(1, "uploads, file records, stored content", List.of(
        "CREATE TABLE files_uploads (id TEXT PRIMARY KEY, owner TEXT NOT NULL, length BIGINT NOT NULL,"
            + " metadata TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL, created_at BIGINT NOT NULL,"
            + " expires_at BIGINT NOT NULL, file_id TEXT)",
        "CREATE INDEX files_uploads_owner ON files_uploads (owner)",
        "CREATE INDEX files_uploads_expiry ON files_uploads (expires_at) WHERE file_id IS NULL",
        "CREATE TABLE files_records (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,"
            + " size BIGINT NOT NULL, content_type TEXT NOT NULL, sha256 TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE INDEX files_records_owner ON files_records (owner)",
        "CREATE INDEX files_records_content ON files_records (sha256)",
        "CREATE TABLE files_content (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, created_at BIGINT NOT NULL)")));
  }
}
