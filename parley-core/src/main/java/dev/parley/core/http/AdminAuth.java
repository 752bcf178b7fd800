package dev.parley.core.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Admin API authorisation: {@code Authorization: Bearer <admin secret>}, and from a browser only
 * pages of the server's own or an allowed origin, sending JSON ({@link BrowserGuard}). Modules
 * guard their admin routes with the one the kernel hands out ({@code ServerContext.adminAuth()}).
 */
public final class AdminAuth {
  private final byte[] secret;

  public AdminAuth(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Wraps {@code handler} so it runs only for requests carrying the admin secret. */
  public HttpHandler require(HttpHandler handler) {
    return exchange -> {
      BrowserGuard.check(exchange);
      String presented = exchange.bearerToken();
      if (presented == null) {
        throw ApiException.unauthorized("the admin API needs 'Authorization: Bearer <admin secret>'");
      }
      if (!MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
        throw ApiException.unauthorized("wrong admin secret");
      }
      handler.handle(exchange);
    };
  }
}
