package dev.parley.files.tus;

import dev.parley.core.http.ApiException;
import dev.parley.files.content.LocalContent;
import dev.parley.files.store.FileStore;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads this node is writing: one request at a time per upload (a second one takes the
 * upload over: the first one's connection is closed, and the second is told to try again), and
 * the running SHA-256 of each upload's bytes, so that completing it need not read them back.
 * After a restart the digest is read from disk once, at completion.
 */
final class Uploads {
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);
  static final HttpResponseStatus LOCKED = HttpResponseStatus.valueOf(423, "Locked");

  /** What this node knows of one upload between its requests. */
  static final class State {
    /** The connection writing it now, or null. */
    Channel writer;
    /** The SHA-256 of the first {@code digested} bytes, or null when not known here. */
    MessageDigest digest;
    long digested;
  }

  private final Map<String, State> states = new ConcurrentHashMap<>();
  final FileStore store;
  final LocalContent content;
  final Clock clock;

  Uploads(FileStore store, LocalContent content, Clock clock) {
    this.store = store;
    this.content = content;
    this.clock = clock;
  }

  /** {@code connection} writes {@code id} from now on; refused (423) while another one does, which is closed. */
  State lock(String id, Channel connection) {
    State s = states.computeIfAbsent(id, k -> new State());
    synchronized (s) {
      if (s.writer != null && s.writer != connection) {
        Channel stale = s.writer;
        stale.close(); // a client that resumes has given that request up; its bytes so far are kept
        throw new ApiException(LOCKED, "LOCKED", "another request is writing this upload; try again");
      }
      s.writer = connection;
    }
    return s;
  }

  void unlock(State s, Channel connection) {
    synchronized (s) {
      if (s.writer == connection) {
        s.writer = null;
      }
    }
  }

  /** Whether a request is writing {@code id} now. */
  boolean writing(String id) {
    State s = states.get(id);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      return s.writer != null;
    }
  }

  /** Drops what this node knows of {@code id}, closing a connection writing it. */
  void forget(String id) {
    State s = states.remove(id);
    if (s != null) {
      synchronized (s) {
        if (s.writer != null) {
          s.writer.close();
        }
      }
    }
  }

  /**
   * The complete upload {@code u} becomes file {@code fileId}: its SHA-256 (running, or read from
   * disk), its bytes moved into the content store, the record written. Blocking.
   */
  FileStore.FileRecord complete(FileStore.Upload u, State s, String fileId) throws IOException {
    MessageDigest d;
    synchronized (s) {
      d = s.digest != null && s.digested == u.length() ? s.digest : null;
    }
    String sha256 = LocalContent.hex(d != null ? d : content.digest(u.id()));
    FileStore.FileRecord f = new FileStore.FileRecord(fileId, u.owner(), u.name(), u.length(), u.contentType(), sha256,
        clock.instant());
    synchronized (content.lock(sha256)) {
      boolean moved = content.commit(u.id(), sha256);
      try {
        store.addFile(f, u.id(), true).join();
      } catch (RuntimeException e) {
        if (moved) {
          content.uncommit(u.id(), sha256); // the upload stays whole, to complete on a retry
        }
        throw e;
      }
    }
    states.remove(u.id());
    log.debug("upload {} complete: file {} ({} bytes, sha256 {})", u.id(), fileId, u.length(), sha256);
    return f;
  }
}
