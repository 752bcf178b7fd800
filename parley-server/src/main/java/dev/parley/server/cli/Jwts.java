package dev.parley.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * A look at a token's shape before it is sent, so a pasted fragment or a typo is named here instead
 * of coming back from the server as a parser's complaint. It verifies nothing: the server does.
 */
final class Jwts {
  static final ObjectMapper JSON = new ObjectMapper();

  private Jwts() {}

  /** What is wrong with {@code token}'s shape, or null when it looks like a JWT with a subject. */
  static String problem(String token) {
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 3) {
      return "is not a token (a JWT is three parts separated by dots: eyJ...)";
    }
    JsonNode header = part(parts[0]);
    JsonNode claims = part(parts[1]);
    if (header == null || claims == null || !header.hasNonNull("alg")) {
      return "is not a token (its parts are not base64url JSON)";
    }
    if (!claims.hasNonNull("sub")) {
      return "names no user (no sub claim)";
    }
    return null;
  }

  /** The {@code sub} of a token that passed {@link #problem(String)}. */
  static String subject(String token) {
    return part(token.strip().split("\\.", -1)[1]).get("sub").asText();
  }

  private static JsonNode part(String b64) {
    try {
      JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(b64));
      return n != null && n.isObject() ? n : null;
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }
}
