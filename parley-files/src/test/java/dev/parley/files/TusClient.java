package dev.parley.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Plain HTTP requests of the tus protocol, for tests: each answers the response with its body as bytes. */
public final class TusClient {
  public static final String UPLOADS = "/api/v1/files/uploads";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  public TusClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Upload-Metadata of key/value pairs. */
  public static String metadata(String... keysAndValues) {
    StringJoiner j = new StringJoiner(",");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      j.add(keysAndValues[i] + " " + Base64.getEncoder().encodeToString(
          keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return j.toString();
  }

  public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Tus-Resumable", "1.0.0");
    if (token != null) {
      h.put("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i + 1] == null) {
        h.remove(headers[i]);
      } else {
        h.put(headers[i], headers[i + 1]);
      }
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    h.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST: a new upload of {@code length} bytes; answers its path (the Location). */
  public HttpResponse<byte[]> create(long length, String metadata, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "Upload-Length";
    all[1] = Long.toString(length);
    all[2] = "Upload-Metadata";
    all[3] = metadata;
    System.arraycopy(headers, 0, all, 4, headers.length);
    return send("POST", UPLOADS, null, all);
  }

  public HttpResponse<byte[]> patch(String location, long offset, byte[] bytes, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "Upload-Offset";
    all[1] = Long.toString(offset);
    all[2] = "Content-Type";
    all[3] = "application/offset+octet-stream";
    System.arraycopy(headers, 0, all, 4, headers.length);
    return send("PATCH", location, bytes, all);
  }

  public HttpResponse<byte[]> head(String location) {
    return send("HEAD", location, null);
  }

  public HttpResponse<byte[]> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }
}
