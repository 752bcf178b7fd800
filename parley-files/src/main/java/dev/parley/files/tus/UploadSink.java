package dev.parley.files.tus;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.BodyHandler;
import dev.parley.core.http.HttpExchange;
import dev.parley.files.content.LocalContent;
import dev.parley.files.store.FileStore;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one request's body into an upload at its offset, on the blocking executor, one step
 * after another: the upload is looked up and locked first ({@code opened}), then each chunk is
 * written (and digested), and at the end the bytes are made durable, the chunk's checksum is
 * checked, and the upload completes when it is whole. The request is answered once: by {@code
 * answer} when its body is stored, else with the error that stopped it, before the step that
 * failed completes (so the HTTP layer finds it answered).
 */
final class UploadSink implements BodyHandler.Sink {
  private static final Logger log = LoggerFactory.getLogger(UploadSink.class);
  static final HttpResponseStatus CHECKSUM_MISMATCH = HttpResponseStatus.valueOf(460, "Checksum Mismatch");

  /**
   * The upload to write, locked for this request, and its bytes open at the offset the request
   * names; or an upload complete already ({@code file} null, {@code offset} its length): what the
   * request sends then is dropped.
   */
  record Opened(FileStore.Upload upload, Uploads.State state, FileChannel file, long offset) {
    static Opened complete(FileStore.Upload upload) {
      return new Opened(upload, null, null, upload.length());
    }
  }

  /** Answers a request that wrote its body: the offset reached, and the file the upload made once complete (else null). */
  interface Answer {
    void answer(FileStore.Upload upload, long offset, String fileId);
  }

  /** A step of the chain. */
  private interface Step {
    void run(Opened o) throws IOException;
  }

  private final Uploads uploads;
  private final HttpExchange exchange;
  private final Executor blocking;
  private final TusHeaders.Checksum checksum;
  private final MessageDigest chunkDigest;
  private final Answer answer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile Opened opened;
  private CompletableFuture<Opened> chain;
  private long offset;
  private long start;
  /** The upload's running digest as it was before this request, to go back to when the chunk is refused. */
  private MessageDigest before;

  UploadSink(Uploads uploads, HttpExchange exchange, Executor blocking, CompletableFuture<Opened> opening,
      TusHeaders.Checksum checksum, Answer answer) {
    this.uploads = uploads;
    this.exchange = exchange;
    this.blocking = blocking;
    this.checksum = checksum;
    this.chunkDigest = checksum == null ? null : checksum.digest();
    this.answer = answer;
    this.chain = opening.handle((o, failed) -> {
      if (failed != null) {
        throw refuse(failed);
      }
      opened = o;
      offset = o.offset();
      start = o.offset();
      if (o.file() == null) {
        return o;
      }
      synchronized (o.state()) {
        if (o.state().digest == null && o.offset() == 0) {
          o.state().digest = LocalContent.sha256();
          o.state().digested = 0;
        }
        before = o.state().digest != null && o.state().digested == o.offset() ? copy(o.state().digest) : null;
      }
      return o;
    });
  }

  private CompletableFuture<Opened> then(Step step) {
    return chain.thenApplyAsync(o -> {
      try {
        step.run(o);
      } catch (IOException | RuntimeException e) {
        throw refuse(e);
      }
      return o;
    }, blocking);
  }

  @Override
  public CompletionStage<?> write(ByteBuf bytes) {
    chain = then(o -> {
      if (o.file() == null) {
        return; // complete already (content the server had): nothing more to store
      }
      if (offset + bytes.readableBytes() > o.upload().length()) {
        throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE",
            "the body goes past Upload-Length (" + o.upload().length() + " bytes)");
      }
      for (ByteBuffer b : bytes.nioBuffers()) {
        if (chunkDigest != null) {
          chunkDigest.update(b.duplicate());
        }
        synchronized (o.state()) {
          if (o.state().digest != null && o.state().digested == offset) {
            o.state().digest.update(b.duplicate());
            o.state().digested += b.remaining();
          }
        }
        while (b.hasRemaining()) {
          offset += o.file().write(b);
        }
      }
    });
    return chain;
  }

  @Override
  public void end() {
    chain = then(o -> {
      if (o.file() == null) {
        answered.set(true);
        answer.answer(o.upload(), o.offset(), o.upload().fileId());
        return;
      }
      o.file().force(false);
      if (checksum != null && !Arrays.equals(chunkDigest.digest(), checksum.expected())) {
        o.file().truncate(start);
        o.file().force(false);
        synchronized (o.state()) {
          o.state().digest = before;
          o.state().digested = start;
        }
        throw new ApiException(CHECKSUM_MISMATCH, "CHECKSUM_MISMATCH",
            "the body's " + checksum.algorithm() + " does not match Upload-Checksum; it was not stored");
      }
      close(o);
      String fileId = offset == o.upload().length() ? uploads.complete(o.upload(), o.state(), Ids.file()).id() : null;
      if (answered.compareAndSet(false, true)) {
        answer.answer(o.upload(), offset, fileId);
      }
    });
  }

  @Override
  public void abort(Throwable cause) {
    chain.whenCompleteAsync((o, failed) -> {
      if (o != null && o.file() != null) {
        try {
          o.file().force(false); // what was written before the connection closed counts
        } catch (IOException e) {
          log.debug("upload {}: sync after an aborted request failed", o.upload().id(), e);
        }
        close(o);
      }
    }, blocking);
  }

  private void close(Opened o) {
    if (closed.compareAndSet(false, true)) {
      try {
        o.file().close();
      } catch (IOException e) {
        log.debug("upload {}: close failed", o.upload().id(), e);
      }
      uploads.unlock(o.state(), exchange.channel());
    }
  }

  /** Answers the error that stopped the request (once) and lets go of the upload; the exception to fail the step with. */
  private CompletionException refuse(Throwable failed) {
    Throwable cause = failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
    Opened o = opened;
    if (o != null && o.file() != null) {
      close(o);
    }
    if (answered.compareAndSet(false, true)) {
      if (cause instanceof ApiException a) {
        Tus.answerError(exchange, a);
      } else {
        log.error("upload {} failed", o == null ? "?" : o.upload().id(), cause);
        Tus.answerError(exchange, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL",
            "the upload could not be stored"));
      }
    }
    return failed instanceof CompletionException c ? c : new CompletionException(cause);
  }

  private static MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }
}
