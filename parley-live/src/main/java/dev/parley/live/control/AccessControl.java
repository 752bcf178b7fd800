package dev.parley.live.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.TokenService;
import dev.parley.core.auth.VerifiedToken;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides publish and play requests: first the server's own rules (loopback, open flags, stream
 * keys, tokens), then the on_publish / on_play callback if one is configured (any 2xx allows,
 * anything else, an error or a timeout refuses). Callbacks are asynchronous requests of the JDK
 * HTTP client on its own threads: no thread waits for an answer, so any number of callbacks can be
 * in flight and none holds a thread of the server's pools. Their deadline runs on the server's
 * {@link TimeSource}. Tokens are the server's JWTs with a {@code publish} and/or {@code play} claim: a
 * stream pattern ({@code app/stream}, {@code app/*}, {@code *}) or a list of them.
 */
public final class AccessControl {
  private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The claim that marks a token as a cluster node's pull (its value: the pulling node's id). */
  private static final String EDGE_CLAIM = "edge";

  private final AccessSettings settings;
  private final TokenService tokens;
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private final HttpClient http;

  /** Callback deadlines are set on {@code time} and run on {@code timers}. */
  public AccessControl(AccessSettings settings, TokenService tokens, TimeSource time, ScheduledExecutorService timers) {
    this.settings = settings;
    this.tokens = tokens;
    this.time = time;
    this.timers = timers;
    // The client's default executor: its own threads, never the server's bounded blocking pool.
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Completes with null when allowed, or with the reason it is not. */
  public CompletableFuture<String> check(AccessRequest r) {
    String local = localCheck(r);
    if (local != null) {
      return CompletableFuture.completedFuture(local);
    }
    URI hook = r.action() == AccessRequest.Action.PUBLISH ? settings.onPublish() : settings.onPlay();
    if (hook == null || edgePull(r)) {
      return CompletableFuture.completedFuture(null);
    }
    return callHook(hook, r, r.action() == AccessRequest.Action.PUBLISH ? "on_publish" : "on_play");
  }

  /** Tells the on_done callback that a publish or play ended (fire and forget). */
  public void done(AccessRequest r) {
    if (settings.onDone() == null || edgePull(r)) {
      return;
    }
    callHook(settings.onDone(), r, r.action() == AccessRequest.Action.PUBLISH ? "on_publish_done" : "on_play_done");
  }

  /** The server's own rules only (no callback): null when allowed, else why not. */
  public String localCheck(AccessRequest r) {
    boolean publish = r.action() == AccessRequest.Action.PUBLISH;
    if (settings.loopbackOpen() && r.loopback()) {
      return null;
    }
    if (publish ? settings.publishOpen() : settings.playOpen()) {
      return null;
    }
    String key = r.params().get("key");
    if (key != null && keyMatches(publish ? settings.publishKeys() : settings.playKeys(), r, key)) {
      return null;
    }
    String token = r.params().get("token");
    if (token != null) {
      try {
        VerifiedToken t = tokens.verify(token);
        if (claimAllows(t.claims().get(publish ? "publish" : "play"), r.key())) {
          return null;
        }
        return "token of " + t.userId() + " does not allow " + (publish ? "publishing " : "playing ") + r.key();
      } catch (TokenException e) {
        return e.getMessage();
      }
    }
    return (publish ? "publishing " : "playing ") + r.key() + " needs a stream key (?key=) or a token (?token=)";
  }

  /**
   * Whether {@code r} is another node of the cluster pulling the stream for its own viewers: a play
   * with a token of ours carrying the {@code edge} claim ({@link #edgeClaims}). Its viewers passed
   * the callbacks on their node, so the pull does not go through them again.
   */
  private boolean edgePull(AccessRequest r) {
    String token = r.params().get("token");
    if (r.action() != AccessRequest.Action.PLAY || token == null) {
      return false;
    }
    try {
      VerifiedToken t = tokens.verify(token);
      return t.claims().get(EDGE_CLAIM) instanceof String && claimAllows(t.claims().get("play"), r.key());
    } catch (TokenException e) {
      return false;
    }
  }

  /** Claims of the token a node presents when it pulls {@code key} from the node publishing it. */
  public static Map<String, Object> edgeClaims(String key, String nodeId) {
    Map<String, Object> c = claims(null, List.of(key));
    c.put(EDGE_CLAIM, nodeId);
    return c;
  }

  private static boolean keyMatches(Map<String, String> keys, AccessRequest r, String presented) {
    String k = keys.get(r.key());
    if (k == null) {
      k = keys.get(r.app() + "/*");
    }
    return k != null && MessageDigest.isEqual(k.getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a claim (a pattern or a list of patterns) covers {@code app/stream}. */
  static boolean claimAllows(Object claim, String key) {
    if (claim instanceof String s) {
      return matches(s, key);
    }
    if (claim instanceof Collection<?> c) {
      for (Object o : c) {
        if (o instanceof String s && matches(s, key)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(String pattern, String key) {
    if (pattern.equals("*") || pattern.equals(key)) {
      return true;
    }
    return pattern.endsWith("/*") && key.startsWith(pattern.substring(0, pattern.length() - 1));
  }

  /** POSTs the request to {@code uri}; completes with null on a 2xx answer, else with why not. Never fails. */
  private CompletableFuture<String> callHook(URI uri, AccessRequest r, String action) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("action", action);
    body.put("protocol", r.protocol());
    body.put("app", r.app());
    body.put("stream", r.stream());
    body.put("param", r.params());
    body.put("ip", r.remote() == null ? null : r.remote().getAddress().getHostAddress());
    body.put("tcUrl", r.tcUrl());
    HttpRequest req;
    try {
      req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    } catch (Exception e) {
      log.warn("{} callback to {} failed for {}: {}", action, uri, r.key(), e.toString());
      return CompletableFuture.completedFuture(action + " callback failed: " + e.getClass().getSimpleName());
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<HttpResponse<Void>>> inFlight = new AtomicReference<>();
    // The deadline is set before the request leaves, so it counts from the moment we ask.
    Cancellable deadline = time.schedule(timers, () -> {
      if (result.complete(action + " callback did not answer within " + settings.hookTimeout().toMillis() + " ms")) {
        log.warn("{} callback to {} for {} did not answer in time", action, uri, r.key());
        CompletableFuture<HttpResponse<Void>> c = inFlight.get();
        if (c != null) {
          c.cancel(true);
        }
      }
    }, settings.hookTimeout());
    CompletableFuture<HttpResponse<Void>> call = http.sendAsync(req, HttpResponse.BodyHandlers.discarding());
    inFlight.set(call);
    if (result.isDone()) {
      call.cancel(true);
    }
    call.whenComplete((resp, err) -> {
      deadline.cancel();
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (result.complete(action + " callback failed: " + cause.getClass().getSimpleName())) {
          log.warn("{} callback to {} failed for {}: {}", action, uri, r.key(), cause.toString());
        }
      } else {
        result.complete(resp.statusCode() / 100 == 2 ? null : action + " callback answered " + resp.statusCode());
      }
    });
    return result;
  }

  /** Claims for a token that lets its holder publish and/or play the given patterns. */
  public static Map<String, Object> claims(List<String> publish, List<String> play) {
    Map<String, Object> c = new LinkedHashMap<>();
    if (publish != null && !publish.isEmpty()) {
      c.put("publish", publish);
    }
    if (play != null && !play.isEmpty()) {
      c.put("play", play);
    }
    return c;
  }
}
