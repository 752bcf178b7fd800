package dev.parley.files.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes of files on local disk: an upload in progress is {@code uploads/<id>.part}, whose
 * size is the offset the upload has reached; complete content lives once under its SHA-256 as
 * {@code content/<first two hex digits>/<sha256>}, moved there atomically when its upload
 * completes. Blocking: call it on a blocking executor, never on an event loop.
 */
public final class LocalContent {
  private final Path uploads;
  private final Path content;
  private final Object[] locks = new Object[64];

  public LocalContent(Path root) {
    this.uploads = root.resolve("uploads");
    this.content = root.resolve("content");
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
    try {
      Files.createDirectories(uploads);
      Files.createDirectories(content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the files directory " + root, e);
    }
  }

  /**
   * Held while the content of {@code sha256} is committed with its record, or freed with the last
   * one: a free cannot take bytes just committed for a new record (on this node).
   */
  public Object lock(String sha256) {
    return locks[Math.floorMod(sha256.hashCode(), locks.length)];
  }

  private Path partial(String uploadId) {
    return uploads.resolve(uploadId + ".part");
  }

  /** Where the content of {@code sha256} is (it may not be there). */
  public Path file(String sha256) {
    return content.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /** The bytes stored of an upload so far (0 when none). */
  public long stored(String uploadId) throws IOException {
    try {
      return Files.size(partial(uploadId));
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** The upload's bytes, open for writing at {@code offset} (the bytes stored so far). */
  public FileChannel append(String uploadId, long offset) throws IOException {
    FileChannel ch = FileChannel.open(partial(uploadId), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.position(offset);
    return ch;
  }

  /** The SHA-256 of an upload's bytes, read from disk (when no running digest was kept). */
  public MessageDigest digest(String uploadId) throws IOException {
    MessageDigest d = sha256();
    try (InputStream in = Files.newInputStream(partial(uploadId))) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return d;
  }

  /**
   * The complete upload becomes the content of {@code sha256}: moved into place, or dropped when
   * that content is stored already. Durable when it returns. Answers whether it was moved (so
   * that {@link #uncommit} can put it back when its record cannot be written).
   */
  public boolean commit(String uploadId, String sha256) throws IOException {
    Path from = partial(uploadId);
    Path to = file(sha256);
    if (Files.exists(to) && Files.size(to) == Files.size(from)) {
      Files.delete(from);
      return false;
    }
    Files.createDirectories(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(to.getParent());
    return true;
  }

  /** Puts content {@link #commit} moved back as the upload's bytes. */
  public void uncommit(String uploadId, String sha256) throws IOException {
    Files.move(file(sha256), partial(uploadId), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Drops an upload's bytes (terminated or expired). */
  public void discard(String uploadId) throws IOException {
    Files.deleteIfExists(partial(uploadId));
  }

  /** Frees the content of {@code sha256}: no file record uses it any more. */
  public void free(String sha256) throws IOException {
    Files.deleteIfExists(file(sha256));
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the move itself is done.
    }
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }
}
