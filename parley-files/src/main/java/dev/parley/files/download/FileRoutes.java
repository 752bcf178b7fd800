package dev.parley.files.download;

import dev.parley.core.auth.TokenService;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.BearerAuth;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.files.content.LocalContent;
import dev.parley.files.store.FileStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/files/{id}}: a file's bytes, streamed from disk, with single byte ranges
 * (206, 416), an ETag of its SHA-256 (304 on If-None-Match) and If-Range; and {@code DELETE},
 * which removes the record and frees the content when no other record uses it. Only the file's
 * owner may: everyone else gets 404, as for a file that does not exist.
 */
public final class FileRoutes {
  public static final String PATH = "/api/v1/files/{id}";
  private static final Logger log = LoggerFactory.getLogger(FileRoutes.class);

  private final FileStore store;
  private final LocalContent content;
  private final TokenService tokens;
  private final Executor blocking;

  public FileRoutes(FileStore store, LocalContent content, TokenService tokens, Executor blocking) {
    this.store = store;
    this.content = content;
    this.tokens = tokens;
    this.blocking = blocking;
  }

  public void register(HttpRouter router) {
    router.get(PATH, this::download);
    router.delete(PATH, this::delete);
  }

  private String user(HttpExchange ex) {
    return BearerAuth.user(ex, tokens);
  }

  private static FileStore.FileRecord visible(FileStore.FileRecord f, String user) {
    if (f == null || !f.owner().equals(user)) {
      throw ApiException.notFound("no such file");
    }
    return f;
  }

  private void download(HttpExchange ex) {
    String user = user(ex);
    store.file(ex.pathParam("id")).thenAcceptAsync(f -> serve(ex, visible(f, user)), blocking)
        .exceptionally(failed -> fail(ex, failed));
  }

  private void serve(HttpExchange ex, FileStore.FileRecord f) {
    String etag = "\"" + f.sha256() + "\"";
    if (etag.equals(ex.header(HttpHeaderNames.IF_NONE_MATCH)) || "*".equals(ex.header(HttpHeaderNames.IF_NONE_MATCH))) {
      HttpResponse r = head(HttpResponseStatus.NOT_MODIFIED, f, etag);
      send(ex, r, null, 0, 0);
      return;
    }
    String ifRange = ex.header(HttpHeaderNames.IF_RANGE);
    ByteRange range = ifRange == null || ifRange.equals(etag) ? ByteRange.parse(ex.header(HttpHeaderNames.RANGE), f.size())
        : null;
    if (range == ByteRange.UNSATISFIABLE) {
      HttpResponse r = head(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, f, etag);
      r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + f.size());
      send(ex, r, null, 0, 0);
      return;
    }
    long start = range == null ? 0 : range.start();
    long length = range == null ? f.size() : range.length();
    HttpResponse r = head(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT, f, etag);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    if (range != null) {
      r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + (start + length - 1) + "/" + f.size());
    }
    FileChannel file;
    try {
      file = FileChannel.open(content.file(f.sha256()), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      log.error("file {}: its content {} is missing from disk", f.id(), f.sha256());
      throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "CONTENT_MISSING", "the file's bytes are missing");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    send(ex, r, HttpMethod.HEAD.equals(ex.method()) ? null : file, start, length);
    if (HttpMethod.HEAD.equals(ex.method())) {
      close(file);
    }
  }

  private static HttpResponse head(HttpResponseStatus status, FileStore.FileRecord f, String etag) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    String type = f.contentType();
    // Pictures, sound and video show in the page; anything else (HTML among it) only downloads.
    boolean inline = (type.startsWith("image/") && !type.contains("svg")) || type.startsWith("audio/")
        || type.startsWith("video/");
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).set(HttpHeaderNames.ETAG, etag)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
        .set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=86400")
        .set("X-Content-Type-Options", "nosniff")
        .set(HttpHeaderNames.CONTENT_DISPOSITION, (inline ? "inline" : "attachment") + "; filename*=UTF-8''"
            + URLEncoder.encode(f.name(), StandardCharsets.UTF_8).replace("+", "%20"))
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (!r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    return r;
  }

  /** Writes the head, then {@code length} bytes of {@code file} from {@code start} (none if null), and closes. */
  private static void send(HttpExchange ex, HttpResponse head, FileChannel file, long start, long length) {
    Channel ch = ex.startStreaming();
    ex.corsHeaders(head.headers());
    ch.write(head);
    if (file == null) {
      ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (ch.pipeline().get(SslHandler.class) != null) {
      try {
        ch.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(file, start, length, 1 << 16)))
            .addListener(done -> close(file)).addListener(ChannelFutureListener.CLOSE);
      } catch (IOException e) {
        close(file);
        ch.close();
      }
      return;
    }
    ch.write(new DefaultFileRegion(file, start, length)); // released (and the file closed) once written
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
  }

  private static void close(FileChannel file) {
    try {
      file.close();
    } catch (IOException e) {
      log.debug("closing a download's file failed", e);
    }
  }

  private void delete(HttpExchange ex) {
    String user = user(ex);
    String id = ex.pathParam("id");
    store.file(id).thenAcceptAsync(f -> {
      FileStore.FileRecord found = visible(f, user);
      synchronized (content.lock(found.sha256())) {
        FileStore.Removed removed = store.deleteFile(id).join();
        if (removed.freed() != null) {
          try {
            content.free(removed.freed());
          } catch (IOException e) {
            log.warn("file {}: its freed content {} could not be removed ({})", id, removed.freed(), e.toString());
          }
        }
      }
      ex.respond(HttpResponseStatus.NO_CONTENT, "application/json", new byte[0]);
    }, blocking).exceptionally(failed -> fail(ex, failed));
  }

  private static Void fail(HttpExchange ex, Throwable failed) {
    Throwable cause = failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
    ApiException e = cause instanceof ApiException a ? a
        : new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error");
    if (!(cause instanceof ApiException)) {
      log.error("{} {} failed", ex.method(), ex.path(), cause);
    }
    ex.respondError(e);
    return null;
  }
}
