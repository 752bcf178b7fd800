package dev.parley.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.BrowserGuard;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.Json;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.protocol.Ids;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The kernel's routes: {@code /healthz}, {@code /metrics}, tokens, dev login and stats. */
public final class CoreRoutes {
  private final ServerContext ctx;
  private final Settings settings;
  private final Supplier<String> scrape;
  private final Instant started;
  private final DevLoginLimiter devLogins;

  /**
   * What the routes are allowed to do, read by the kernel from its keys ({@code admin.dev-login.*},
   * {@code auth.token.*}) and validated there.
   *
   * @param devLogin whether {@code POST /api/v1/dev/login} mints tokens
   * @param devLoginLoopbackOnly whether it answers clients on this machine only
   * @param devLoginsPerMinute dev logins one client address may make in a minute (0: no limit)
   * @param defaultTtl lifetime of dev-login tokens and of minted tokens that give none
   * @param maxTtl longest lifetime {@code POST /api/v1/tokens} mints
   */
  public record Settings(boolean devLogin, boolean devLoginLoopbackOnly, int devLoginsPerMinute, Duration defaultTtl,
      Duration maxTtl) {}

  public CoreRoutes(ServerContext ctx, Settings settings, Supplier<String> scrape) {
    this.ctx = ctx;
    this.settings = settings;
    this.scrape = scrape;
    this.started = ctx.clock().instant();
    this.devLogins = new DevLoginLimiter(ctx.time(), settings.devLoginsPerMinute());
  }

  public void register() {
    AdminAuth admin = ctx.adminAuth();
    ctx.http()
        .get("/healthz", this::health)
        .get("/metrics", ex -> ex.respondText(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
            scrape.get()))
        .post("/api/v1/tokens", admin.require(this::mintToken))
        .post("/api/v1/dev/login", BrowserGuard.require(this::devLogin))
        .get("/api/v1/stats", admin.require(this::stats))
        .get("/api/v1/cluster", admin.require(this::cluster));
  }

  private void health(HttpExchange ex) {
    if (ctx.draining()) {
      ex.respondJson(HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("status", "draining"));
    } else if (!ctx.storage().writer().available()) {
      // Writes are refused (retryably) until the writer reconnects; reads and live traffic go on.
      ex.respondJson(HttpResponseStatus.OK, Map.of("status", "degraded", "reason",
          "this node cannot reach its store (store.postgres.url); writes are refused until it is back"));
    } else if (!cluster().healthy()) {
      // Still serving its own clients: a load balancer keeps sending them; the operator sees why.
      ex.respondJson(HttpResponseStatus.OK, Map.of("status", "degraded", "reason",
          "this node cannot reach the cluster's shared state (cluster.redis.url)"));
    } else {
      ex.respondJson(HttpResponseStatus.OK, Map.of("status", "ok"));
    }
  }

  private void mintToken(HttpExchange ex) {
    JsonNode body = ex.json();
    String userId = body.path("userId").asText("");
    if (!Ids.isValidUser(userId)) {
      throw ApiException.badRequest("userId must be 1-64 characters of letters, digits and _ . @ -");
    }
    Duration maxTtl = settings.maxTtl();
    Duration ttl = body.has("ttlSeconds") ? Duration.ofSeconds(body.path("ttlSeconds").asLong(-1))
        : settings.defaultTtl();
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
      throw ApiException.badRequest("ttlSeconds must be between 1 and " + maxTtl.toSeconds());
    }
    answerToken(ex, userId, ttl);
  }

  private void devLogin(HttpExchange ex) {
    if (!settings.devLogin()) {
      throw new ApiException(HttpResponseStatus.NOT_FOUND, "DEV_LOGIN_DISABLED",
          "dev login is switched off (admin.dev-login.enabled)");
    }
    if (settings.devLoginLoopbackOnly() && !ex.isLoopback()) {
      throw ApiException.forbidden("dev login is accepted from this machine only");
    }
    long wait = devLogins.acquire(ex.remoteAddress().getAddress());
    if (wait > 0) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TOO_MANY_REQUESTS,
          Unpooled.wrappedBuffer(Json.bytes(Map.of("code", "RATE_LIMITED", "message", "too many dev logins from "
              + "this address (admin.dev-login.max-per-minute); retry in " + wait + " s"))));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.RETRY_AFTER, wait);
      ex.respond(r);
      return;
    }
    String userId = ex.json().path("userId").asText("");
    if (!Ids.isValidUser(userId)) {
      throw ApiException.badRequest("userId must be 1-64 characters of letters, digits and _ . @ -");
    }
    answerToken(ex, userId, settings.defaultTtl());
  }

  private void answerToken(HttpExchange ex, String userId, Duration ttl) {
    String token = ctx.tokens().mint(userId, ttl);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", token);
    out.put("userId", userId);
    out.put("expiresAt", ctx.clock().instant().plus(ttl).toString());
    ex.respondJson(HttpResponseStatus.OK, out);
  }

  /** The kernel registers a single node before any listener binds, unless a module registered a cluster. */
  private Cluster cluster() {
    return ctx.services().first(Cluster.class).orElseThrow();
  }

  private void cluster(HttpExchange ex) {
    Cluster cluster = cluster();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeInfo n : cluster.nodes()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("id", n.id());
      node.put("host", n.host());
      node.put("httpPort", n.httpPort());
      node.put("status", n.status());
      node.put("startedAt", n.startedAt().toString());
      node.put("lastSeen", n.lastSeen().toString());
      node.put("connections", n.totalConnections());
      node.put("listeners", n.connections());
      nodes.add(node);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodeId", cluster.nodeId());
    out.put("healthy", cluster.healthy());
    out.put("nodes", nodes);
    ex.respondJson(HttpResponseStatus.OK, out);
  }

  private void stats(HttpExchange ex) {
    Map<String, Object> out = new LinkedHashMap<>();
    Runtime rt = Runtime.getRuntime();
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("startedAt", started.toString());
    server.put("uptimeSeconds", Duration.between(started, ctx.clock().instant()).toSeconds());
    server.put("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
    server.put("heapMaxBytes", rt.maxMemory());
    server.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    server.put("ioThreads", ctx.eventLoops().threads());
    server.put("transport", ctx.eventLoops().isEpoll() ? "epoll" : "nio");
    server.put("storeQueued", ctx.storage().writer().queued());
    out.put("server", server);
    for (StatsContributor c : ctx.services().all(StatsContributor.class)) {
      out.put(c.section(), c.stats());
    }
    ex.respondJson(HttpResponseStatus.OK, out);
  }
}
