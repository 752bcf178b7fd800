package dev.parley.rtc.ice;

import dev.parley.core.auth.TokenService;
import dev.parley.core.http.BearerAuth;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/rtc/ice-servers} with a user token: the ICE servers with fresh credentials, as
 * WebRTC's {@code iceServers} and in the TURN REST API's shape ({@code username}, {@code password},
 * {@code ttl}, {@code uris}).
 */
public final class IceServersRoute {
  static final String PATH = "/api/v1/rtc/ice-servers";

  private final IceServers iceServers;
  private final TokenService tokens;

  public IceServersRoute(IceServers iceServers, TokenService tokens) {
    this.iceServers = iceServers;
    this.tokens = tokens;
  }

  public void register(HttpRouter router) {
    router.get(PATH, this::handle);
  }

  private void handle(HttpExchange ex) {
    String userId = BearerAuth.user(ex, tokens);
    IceServers.IceConfig c = iceServers.forUser(userId, IceServersService.hostOf(ex.header(HttpHeaderNames.HOST)));
    List<Map<String, Object>> servers = new ArrayList<>();
    for (IceServers.IceServer s : c.iceServers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("urls", s.urls());
      if (s.username() != null) {
        m.put("username", s.username());
        m.put("credential", s.credential());
      }
      servers.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("iceServers", servers);
    body.put("username", c.username());
    body.put("password", c.credential());
    body.put("ttl", c.ttlSeconds());
    body.put("expiresAt", c.expiresAt().toString());
    body.put("uris", c.uris());
    ex.respondJson(HttpResponseStatus.OK, body);
  }
}
