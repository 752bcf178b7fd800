package dev.parley.files.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the files module keeps in the database: uploads (tus resources) until they complete or
 * expire, file records, and which content (by SHA-256) is stored. The bytes themselves are in the
 * {@code ContentStore}; a record points at content by its hash, and content no record points at
 * is freed. Every call only queues work; the futures complete once it is durable (writes) or read.
 */
public interface FileStore {
  /** An upload: its declared length and metadata, and the file it made once complete (else null). */
  record Upload(String id, String owner, long length, String metadata, String name, String contentType,
      Instant createdAt, Instant expiresAt, String fileId) {
    public boolean complete() {
      return fileId != null;
    }
  }

  /** A file: what a message names and a download serves. */
  record FileRecord(String id, String owner, String name, long size, String contentType, String sha256,
      Instant createdAt) {}

  /** What one user holds: bytes of files plus declared lengths of unfinished uploads, and how many are unfinished. */
  record Usage(long bytes, int unfinished) {}

  CompletableFuture<Void> createUpload(Upload upload);

  CompletableFuture<Upload> upload(String id);

  /** Removes the upload's row (terminated or expired); answers whether it was there. */
  CompletableFuture<Boolean> deleteUpload(String id);

  /** Unfinished uploads whose expiry is at or before {@code now}. */
  CompletableFuture<List<Upload>> expired(Instant now, int limit);

  CompletableFuture<Usage> usage(String owner);

  /**
   * Records {@code file} and, when {@code uploadId} is not null, marks that upload complete with
   * it, in one transaction. {@code stored}: its bytes were just put in the content store (their
   * content row is written if missing); else the content must be stored already (an instant
   * upload), and nothing is written when its row is gone by now (answers false).
   */
  CompletableFuture<Boolean> addFile(FileRecord file, String uploadId, boolean stored);

  CompletableFuture<FileRecord> file(String id);

  /** A record removed: whether it was there, and the hash of content no record uses any more (or null). */
  record Removed(boolean existed, String freed) {}

  /** Removes the record, and the content row when no other record uses it (the caller frees those bytes). */
  CompletableFuture<Removed> deleteFile(String id);
}
