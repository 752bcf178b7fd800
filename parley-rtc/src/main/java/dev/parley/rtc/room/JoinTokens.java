package dev.parley.rtc.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.auth.TokenService;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.Ids;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/rtc/rooms/{room}/tokens} behind the admin secret: the app server mints a join
 * token that lets one user into one room. It is a Parley token (the same signature and expiry as a
 * login token) with the claim {@code room}; an app that signs its own tokens with a key Parley trusts
 * can add the claim itself instead.
 */
public final class JoinTokens {
  /** The claim naming the room a token admits to. */
  static final String ROOM_CLAIM = "room";
  private static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  private static final int MAX_NAME = 128;

  private final TokenService tokens;
  private final Duration maxTtl;
  private final TimeSource time;

  public JoinTokens(TokenService tokens, Duration maxTtl, TimeSource time) {
    this.tokens = tokens;
    this.maxTtl = maxTtl;
    this.time = time;
  }

  public void register(HttpRouter http, AdminAuth admin) {
    http.post("/api/v1/rtc/rooms/{room}/tokens", admin.require(this::mint));
  }

  private void mint(HttpExchange ex) {
    // Percent-decoded, as a room name may hold any printable character ("+" stays a plus).
    String room = URLDecoder.decode(ex.pathParam("room").replace("+", "%2B"), StandardCharsets.UTF_8);
    if (room.isEmpty() || room.length() > MAX_NAME || room.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("the room name must be 1-" + MAX_NAME + " printable characters");
    }
    JsonNode body = ex.json();
    String user = body.path("user").asText("");
    if (!Ids.isValidUser(user)) {
      throw ApiException.badRequest("\"user\" must be a valid user id");
    }
    Duration ttl = DEFAULT_TTL;
    if (body.hasNonNull("ttl")) {
      try {
        JsonNode t = body.get("ttl");
        ttl = t.isNumber() ? Duration.ofSeconds(t.asLong()) : Duration.parse("PT" + t.asText().toUpperCase());
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("\"ttl\" must be seconds or a duration like \"15m\"");
      }
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
      throw ApiException.badRequest("\"ttl\" must be positive and at most rtc.room.token-max-ttl (" + maxTtl + ")");
    }
    String token = tokens.mint(user, ttl, Map.of(ROOM_CLAIM, room));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("room", room);
    out.put("user", user);
    out.put("token", token);
    out.put("expiresAt", time.now().plus(ttl).toString());
    ex.respondJson(HttpResponseStatus.OK, out);
  }
}
