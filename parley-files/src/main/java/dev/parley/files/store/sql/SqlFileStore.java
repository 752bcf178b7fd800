package dev.parley.files.store.sql;

import dev.parley.core.store.Storage;
import dev.parley.files.store.FileStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The files module's rows in the server's database (SQLite, or PostgreSQL in a cluster). */
public final class SqlFileStore implements FileStore {
  private static final String UPLOAD_COLUMNS =
      "id, owner, length, metadata, name, content_type, created_at, expires_at, file_id";
  private static final String FILE_COLUMNS = "id, owner, name, size, content_type, sha256, created_at";

  private final Storage db;

  /** Opens the store on {@code db}, bringing the files schema up to date first. */
  public SqlFileStore(Storage db) {
    db.migrate("files", FileMigrations.all());
    this.db = db;
  }

  @Override
  public CompletableFuture<Void> createUpload(Upload u) {
    return db.writer().write(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO files_uploads (" + UPLOAD_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, u.id());
        st.setString(2, u.owner());
        st.setLong(3, u.length());
        st.setString(4, u.metadata());
        st.setString(5, u.name());
        st.setString(6, u.contentType());
        st.setLong(7, u.createdAt().toEpochMilli());
        st.setLong(8, u.expiresAt().toEpochMilli());
        if (u.fileId() == null) {
          st.setNull(9, Types.VARCHAR);
        } else {
          st.setString(9, u.fileId());
        }
        st.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public CompletableFuture<Upload> upload(String id) {
    return db.read(c -> {
      List<Upload> found = uploads(c, "SELECT " + UPLOAD_COLUMNS + " FROM files_uploads WHERE id = ?", id, 1);
      return found.isEmpty() ? null : found.get(0);
    });
  }

  @Override
  public CompletableFuture<Boolean> deleteUpload(String id) {
    return db.writer().write(c -> update(c, "DELETE FROM files_uploads WHERE id = ?", id) > 0);
  }

  @Override
  public CompletableFuture<List<Upload>> expired(Instant now, int limit) {
    return db.read(c -> uploads(c, "SELECT " + UPLOAD_COLUMNS + " FROM files_uploads WHERE file_id IS NULL"
        + " AND expires_at <= ? ORDER BY expires_at", now.toEpochMilli(), limit));
  }

  @Override
  public CompletableFuture<Usage> usage(String owner) {
    return db.read(c -> {
      long bytes = 0;
      int unfinished = 0;
      try (PreparedStatement st = c.prepareStatement("SELECT COALESCE(SUM(size), 0) FROM files_records WHERE owner = ?")) {
        st.setString(1, owner);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          bytes += rs.getLong(1);
        }
      }
      try (PreparedStatement st = c.prepareStatement("SELECT COALESCE(SUM(length), 0), COUNT(*) FROM files_uploads"
          + " WHERE owner = ? AND file_id IS NULL")) {
        st.setString(1, owner);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          bytes += rs.getLong(1);
          unfinished = rs.getInt(2);
        }
      }
      return new Usage(bytes, unfinished);
    });
  }

  @Override
  public CompletableFuture<Boolean> addFile(FileRecord f, String uploadId, boolean stored) {
    return db.writer().write(c -> {
      if (stored) {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO files_content (sha256, size, created_at)"
            + " VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
          st.setString(1, f.sha256());
          st.setLong(2, f.size());
          st.setLong(3, f.createdAt().toEpochMilli());
          st.executeUpdate();
        }
      } else if (contentSize(c, f.sha256()) != f.size()) {
        return false;
      }
      try (PreparedStatement st = c.prepareStatement("INSERT INTO files_records (" + FILE_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, f.id());
        st.setString(2, f.owner());
        st.setString(3, f.name());
        st.setLong(4, f.size());
        st.setString(5, f.contentType());
        st.setString(6, f.sha256());
        st.setLong(7, f.createdAt().toEpochMilli());
        st.executeUpdate();
      }
      if (uploadId != null) {
        try (PreparedStatement st = c.prepareStatement("UPDATE files_uploads SET file_id = ? WHERE id = ?")) {
          st.setString(1, f.id());
          st.setString(2, uploadId);
          st.executeUpdate();
        }
      }
      return true;
    });
  }

  @Override
  public CompletableFuture<FileRecord> file(String id) {
    return db.read(c -> file(c, id));
  }

  @Override
  public CompletableFuture<Removed> deleteFile(String id) {
    return db.writer().write(c -> {
      FileRecord f = file(c, id);
      if (f == null) {
        return new Removed(false, null);
      }
      update(c, "DELETE FROM files_records WHERE id = ?", id);
      update(c, "DELETE FROM files_uploads WHERE file_id = ?", id);
      try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM files_records WHERE sha256 = ? LIMIT 1")) {
        st.setString(1, f.sha256());
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            return new Removed(true, null);
          }
        }
      }
      update(c, "DELETE FROM files_content WHERE sha256 = ?", f.sha256());
      return new Removed(true, f.sha256());
    });
  }

  private static FileRecord file(Connection c, String id) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files_records WHERE id = ?")) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
            rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)));
      }
    }
  }

  /** The stored content's size, or -1 when it is not stored. */
  private static long contentSize(Connection c, String sha256) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT size FROM files_content WHERE sha256 = ?")) {
      st.setString(1, sha256);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private static int update(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, arg);
      return st.executeUpdate();
    }
  }

  private static List<Upload> uploads(Connection c, String sql, Object arg, int limit) throws SQLException {
    List<Upload> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setObject(1, arg);
      st.setMaxRows(limit);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new Upload(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
              rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
              rs.getString(9)));
        }
      }
    }
    return out;
  }
}
