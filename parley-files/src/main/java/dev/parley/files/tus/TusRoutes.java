package dev.parley.files.tus;

import dev.parley.core.auth.TokenService;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.BearerAuth;
import dev.parley.core.http.BodyHandler;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.files.content.LocalContent;
import dev.parley.files.store.FileStore;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tus 1.0 resumable upload protocol (core, creation, creation-with-upload, expiration,
 * checksum, termination) at {@value #PATH}, for the user of the bearer token. An upload's offset
 * is the bytes stored of it on disk, made durable before a request that wrote them is answered.
 * An upload whose metadata names the {@code sha256} of content the server holds completes at its
 * creation, without its bytes (instant upload); its file id comes in {@code Parley-File-Id}.
 */
public final class TusRoutes {
  public static final String PATH = "/api/v1/files/uploads";
  private static final Logger log = LoggerFactory.getLogger(TusRoutes.class);

  /** The limits of {@code files.*}. */
  public record Limits(long maxSize, long quota, List<String> allowedTypes, int maxUploads, Duration expiry) {}

  private final Uploads uploads;
  private final FileStore store;
  private final TokenService tokens;
  private final Executor blocking;
  private final Limits limits;

  public TusRoutes(FileStore store, LocalContent content, TokenService tokens,
      Executor blocking, Clock clock, Limits limits) {
    this.uploads = new Uploads(store, content, clock);
    this.store = store;
    this.tokens = tokens;
    this.blocking = blocking;
    this.limits = limits;
  }

  public void register(HttpRouter router) {
    router.route(HttpMethod.OPTIONS, PATH, this::options);
    router.route(HttpMethod.OPTIONS, PATH + "/{id}", this::options);
    router.streamed(HttpMethod.POST, PATH, this::create);
    router.route(HttpMethod.HEAD, PATH + "/{id}", this::head);
    router.streamed(HttpMethod.PATCH, PATH + "/{id}", this::patch);
    // tus-js-client's overridePatchMethod, for proxies that drop PATCH.
    router.streamed(HttpMethod.POST, PATH + "/{id}", ex -> {
      if (!"PATCH".equalsIgnoreCase(ex.header("X-HTTP-Method-Override"))) {
        throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
            "POST to an upload needs X-HTTP-Method-Override: PATCH");
      }
      return patch(ex);
    });
    router.delete(PATH + "/{id}", this::terminate);
  }

  private void options(HttpExchange ex) {
    FullHttpResponse r = Tus.response(HttpResponseStatus.NO_CONTENT);
    r.headers().set("Tus-Version", TusHeaders.VERSION).set("Tus-Extension", TusHeaders.EXTENSIONS)
        .set("Tus-Max-Size", limits.maxSize()).set("Tus-Checksum-Algorithm", TusHeaders.CHECKSUM_ALGORITHMS);
    ex.respond(r);
  }

  /** The user of the request's bearer token, after its Tus-Resumable was checked. */
  private String owner(HttpExchange ex) {
    String user = BearerAuth.user(ex, tokens);
    if (!TusHeaders.VERSION.equals(ex.header(Tus.RESUMABLE))) {
      throw new ApiException(HttpResponseStatus.PRECONDITION_FAILED, "TUS_VERSION",
          "Tus-Resumable must be " + TusHeaders.VERSION);
    }
    return user;
  }

  private static ApiException bad(IllegalArgumentException e) {
    return ApiException.badRequest(e.getMessage());
  }

  private BodyHandler.Sink create(HttpExchange ex) {
    String owner = owner(ex);
    if (ex.header("Upload-Defer-Length") != null) {
      throw ApiException.badRequest("Upload-Defer-Length is not supported: send Upload-Length");
    }
    long length;
    Map<String, String> meta;
    String claimed;
    TusHeaders.Checksum checksum;
    try {
      length = TusHeaders.number("Upload-Length", ex.header("Upload-Length"));
      meta = TusHeaders.metadata(ex.header("Upload-Metadata"));
      claimed = TusHeaders.sha256(meta.get("sha256"));
      checksum = checksum(ex);
    } catch (IllegalArgumentException e) {
      throw bad(e);
    }
    if (length > limits.maxSize()) {
      throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE",
          "Upload-Length " + length + " is more than the largest file allowed (Tus-Max-Size " + limits.maxSize() + ")");
    }
    tooLong(ex, 0, length);
    String name = first(meta, "filename", "name", "file");
    String type = contentType(first(meta, "filetype", "type", "application/octet-stream"));
    boolean body = hasBody(ex);
    Instant now = uploads.clock.instant();
    FileStore.Upload u = new FileStore.Upload(Ids.upload(), owner, length, ex.header("Upload-Metadata") == null ? ""
        : ex.header("Upload-Metadata"), name, type, now, now.plus(limits.expiry()), null);
    CompletableFuture<UploadSink.Opened> opening = store.usage(owner).thenCompose(usage -> {
      if (usage.unfinished() >= limits.maxUploads()) {
        throw ApiException.tooManyRequests("you have " + usage.unfinished() + " unfinished uploads (files."
            + "max-uploads-per-user); finish or terminate one first");
      }
      if (limits.quota() > 0 && usage.bytes() + length > limits.quota()) {
        throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "QUOTA",
            "this upload would take you past your quota of " + limits.quota() + " bytes (" + usage.bytes() + " used)");
      }
      if (claimed != null) {
        // The record is written only if the content's row is there (with this length): else a plain upload.
        FileStore.FileRecord f = new FileStore.FileRecord(Ids.file(), owner, name, length, type, claimed, now);
        return store.addFile(f, null, false).thenCompose(added -> {
          if (!added) {
            return begin(u, ex);
          }
          FileStore.Upload done = new FileStore.Upload(u.id(), owner, length, u.metadata(), name, type, now,
              u.expiresAt(), f.id());
          return store.createUpload(done).thenApply(v -> UploadSink.Opened.complete(done));
        });
      }
      return begin(u, ex);
    });
    if (!body) {
      checksum = null;
    }
    return new UploadSink(uploads, ex, blocking, opening, checksum, (upload, offset, fileId) -> {
      FullHttpResponse r = Tus.response(HttpResponseStatus.CREATED);
      r.headers().set(HttpHeaderNames.LOCATION, PATH + "/" + upload.id()).set("Upload-Offset", offset);
      answered(r, upload, fileId);
      ex.respond(r);
    });
  }

  private CompletableFuture<UploadSink.Opened> begin(FileStore.Upload u, HttpExchange ex) {
    return store.createUpload(u).thenApplyAsync(v -> open(u, ex, 0), blocking);
  }

  private static void answered(FullHttpResponse r, FileStore.Upload upload, String fileId) {
    if (fileId != null) {
      r.headers().set("Parley-File-Id", fileId);
    } else {
      r.headers().set("Upload-Expires", TusHeaders.date(upload.expiresAt()));
    }
  }

  /** Locks {@code u} for this request and opens its bytes at {@code offset}, which must be the bytes stored. Blocking. */
  private UploadSink.Opened open(FileStore.Upload u, HttpExchange ex, long offset) {
    Uploads.State s = uploads.lock(u.id(), ex.channel());
    try {
      long stored = uploads.content.stored(u.id());
      if (stored != offset) {
        throw new ApiException(HttpResponseStatus.CONFLICT, "OFFSET_MISMATCH",
            "Upload-Offset is " + offset + " but " + stored + " bytes of this upload are stored");
      }
      FileChannel file = uploads.content.append(u.id(), stored);
      return new UploadSink.Opened(u, s, file, stored);
    } catch (IOException e) {
      uploads.unlock(s, ex.channel());
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      uploads.unlock(s, ex.channel());
      throw e;
    }
  }

  private BodyHandler.Sink patch(HttpExchange ex) {
    String owner = owner(ex);
    String id = ex.pathParam("id");
    if (!hasBody(ex) && !TusHeaders.OCTET_STREAM.equals(type(ex))) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
          "PATCH needs Content-Type: " + TusHeaders.OCTET_STREAM);
    }
    long offset;
    TusHeaders.Checksum checksum;
    try {
      offset = TusHeaders.number("Upload-Offset", ex.header("Upload-Offset"));
      checksum = checksum(ex);
    } catch (IllegalArgumentException e) {
      throw bad(e);
    }
    CompletableFuture<UploadSink.Opened> opening = store.upload(id).thenApplyAsync(u -> {
      FileStore.Upload found = visible(u, owner);
      tooLong(ex, offset, found.length());
      if (found.complete()) {
        if (offset != found.length()) {
          throw new ApiException(HttpResponseStatus.CONFLICT, "OFFSET_MISMATCH",
              "the upload is complete at " + found.length() + " bytes");
        }
        return UploadSink.Opened.complete(found);
      }
      return open(found, ex, offset);
    }, blocking);
    return new UploadSink(uploads, ex, blocking, opening, checksum, (upload, reached, fileId) -> {
      FullHttpResponse r = Tus.response(HttpResponseStatus.NO_CONTENT);
      r.headers().set("Upload-Offset", reached);
      answered(r, upload, fileId);
      ex.respond(r);
    });
  }

  /** The upload if it is {@code owner}'s and not expired; 404 (or 410 once expired) otherwise. */
  private FileStore.Upload visible(FileStore.Upload u, String owner) {
    if (u == null || !u.owner().equals(owner)) {
      throw ApiException.notFound("no such upload");
    }
    if (!u.complete() && !u.expiresAt().isAfter(uploads.clock.instant())) {
      throw new ApiException(HttpResponseStatus.GONE, "EXPIRED", "this upload expired");
    }
    return u;
  }

  private void head(HttpExchange ex) {
    String owner = owner(ex);
    store.upload(ex.pathParam("id")).thenAcceptAsync(u -> {
      FileStore.Upload found = visible(u, owner);
      long offset;
      try {
        offset = found.complete() ? found.length() : uploads.content.stored(found.id());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      FullHttpResponse r = Tus.response(HttpResponseStatus.OK);
      r.headers().set("Upload-Offset", offset).set("Upload-Length", found.length())
          .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      if (!found.metadata().isEmpty()) {
        r.headers().set("Upload-Metadata", found.metadata());
      }
      answered(r, found, found.fileId());
      ex.respond(r);
    }, blocking).exceptionally(failed -> fail(ex, failed));
  }

  private void terminate(HttpExchange ex) {
    String owner = owner(ex);
    String id = ex.pathParam("id");
    store.upload(id).thenComposeAsync(u -> {
      FileStore.Upload found = visible(u, owner);
      uploads.forget(id);
      return store.deleteUpload(id).thenApplyAsync(gone -> {
        try {
          uploads.content.discard(found.id());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        ex.respond(Tus.response(HttpResponseStatus.NO_CONTENT));
        return gone;
      }, blocking);
    }, blocking).exceptionally(failed -> fail(ex, failed));
  }

  /** Removes unfinished uploads past their expiry, with their bytes; answers how many. Blocking. */
  public int sweep() {
    int n = 0;
    for (FileStore.Upload u : store.expired(uploads.clock.instant(), 1000).join()) {
      if (uploads.writing(u.id())) {
        continue; // a request is writing it: it goes once that request ends
      }
      store.deleteUpload(u.id()).join();
      try {
        uploads.content.discard(u.id());
      } catch (IOException e) {
        log.warn("expired upload {}: its bytes could not be removed ({})", u.id(), e.toString());
      }
      uploads.forget(u.id());
      n++;
    }
    return n;
  }

  private static <T> T fail(HttpExchange ex, Throwable failed) {
    Throwable cause = failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
    if (cause instanceof ApiException a) {
      Tus.answerError(ex, a);
    } else {
      log.error("{} {} failed", ex.method(), ex.path(), cause);
      Tus.answerError(ex, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"));
    }
    return null;
  }

  /** A body whose Content-Length goes past the upload's length is refused before a byte of it is stored. */
  private static void tooLong(HttpExchange ex, long offset, long length) {
    String declared = ex.header(HttpHeaderNames.CONTENT_LENGTH);
    if (declared != null && declared.chars().allMatch(Character::isDigit) && declared.length() < 19
        && offset + Long.parseLong(declared) > length) {
      throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TOO_LARGE",
          "the body goes past Upload-Length (" + length + " bytes)");
    }
  }

  private static TusHeaders.Checksum checksum(HttpExchange ex) {
    try {
      return TusHeaders.checksum(ex.header("Upload-Checksum"));
    } catch (UnsupportedOperationException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static String type(HttpExchange ex) {
    String t = ex.header(HttpHeaderNames.CONTENT_TYPE);
    return t == null ? null : t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
  }

  /** Whether the request carries bytes of the upload (an empty body counts as none). */
  private static boolean hasBody(HttpExchange ex) {
    String type = type(ex);
    String length = ex.header(HttpHeaderNames.CONTENT_LENGTH);
    boolean bytes = ex.header(HttpHeaderNames.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
    if (bytes && !TusHeaders.OCTET_STREAM.equals(type)) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
          "an upload's bytes need Content-Type: " + TusHeaders.OCTET_STREAM);
    }
    return bytes;
  }

  private static String first(Map<String, String> meta, String a, String b, String otherwise) {
    String v = meta.get(a);
    if (v == null || v.isBlank()) {
      v = meta.get(b);
    }
    return v == null || v.isBlank() ? otherwise : v.length() > 255 ? v.substring(0, 255) : v;
  }

  /** The declared content type, lower-cased, if it is a type/subtype that files.allowed-types lets in; 415 otherwise. */
  private String contentType(String declared) {
    String t = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!t.matches("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
          "the filetype metadata is not a content type: " + declared);
    }
    List<String> allowed = limits.allowedTypes();
    boolean ok = allowed.isEmpty() || allowed.stream().map(a -> a.toLowerCase(Locale.ROOT))
        .anyMatch(a -> a.equals(t) || (a.endsWith("/*") && t.startsWith(a.substring(0, a.length() - 1))));
    if (!ok) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
          "files of type " + t + " are not allowed here (files.allowed-types: " + String.join(", ", allowed) + ")");
    }
    return t;
  }
}
