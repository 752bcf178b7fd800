package dev.parley.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the HTTP API in tests. */
public final class HttpTestClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public HttpTestClient(String base) {
    this.base = base;
  }

  /** Status, body text and the body parsed as JSON (null when it is not JSON). */
  public record Response(int status, String body, JsonNode json, HttpResponse<String> raw) {}

  public Response get(String path, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), bearer);
  }

  public Response post(String path, String bearer, String jsonBody) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(jsonBody)), bearer);
  }

  public Response delete(String path, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), bearer);
  }

  public Response admin(String method, String path, String jsonBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    return send(b, TestKernel.ADMIN_SECRET);
  }

  private Response send(HttpRequest.Builder b, String bearer) {
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    b.timeout(Duration.ofSeconds(20));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = r.body().isEmpty() ? null : MAPPER.readTree(r.body());
      } catch (IOException notJson) {
        json = null;
      }
      return new Response(r.statusCode(), r.body(), json, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
