package dev.parley.core.http;

import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.TokenService;

/** A user's HTTP request: {@code Authorization: Bearer <token>}, a token of {@link TokenService}. */
public final class BearerAuth {
  private BearerAuth() {}

  /** The user of the request's bearer token; 401 when there is none or it does not verify. */
  public static String user(HttpExchange ex, TokenService tokens) {
    String token = ex.bearerToken();
    if (token == null) {
      throw ApiException.unauthorized("Authorization: Bearer <token> is required");
    }
    try {
      return tokens.verify(token).userId();
    } catch (TokenException e) {
      throw ApiException.unauthorized(e.getMessage());
    }
  }
}
