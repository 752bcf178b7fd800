package dev.parley.core.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A refused HTTP request, answered as JSON {@code {"code": ..., "message": ...}} with its status. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;
  private final String code;

  public ApiException(HttpResponseStatus status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(HttpResponseStatus.FORBIDDEN, "FORBIDDEN", message);
  }

  /** A page of another origin: 403 {@code ORIGIN_NOT_ALLOWED}. */
  public static ApiException originRefused(String origin) {
    return new ApiException(HttpResponseStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED", origin == null
        ? "requests from pages of other sites are refused"
        : "pages of " + origin + " may not use this server (it is not in http.allowed-origins)");
  }

  /** A browser sent a body that is not JSON: 415 {@code UNSUPPORTED_MEDIA_TYPE}. */
  public static ApiException notJson() {
    return new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
        "the body must be sent as Content-Type: application/json");
  }

  public static ApiException tooManyRequests(String message) {
    return new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", message);
  }
}
