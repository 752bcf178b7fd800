package dev.parley.live.rtmp;

import dev.parley.live.control.AccessControl;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.stream.LiveMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access check of a publish or a play on one connection: it runs off the event loop (hooks
 * are HTTP calls) with reading paused, then comes back to the loop; a refusal is answered with an
 * error status and closes the connection. At most one check runs at a time ({@link #pending}).
 */
final class AccessGate {
  private static final Logger log = LoggerFactory.getLogger(AccessGate.class);

  private final NetConnection net;
  private final AccessControl access;
  private final LiveMetrics metrics;
  private final boolean publish;
  private boolean pending;

  AccessGate(NetConnection net, AccessControl access, LiveMetrics metrics, boolean publish) {
    this.net = net;
    this.access = access;
    this.metrics = metrics;
    this.publish = publish;
  }

  /** Whether a check is running. */
  boolean pending() {
    return pending;
  }

  /** Checks {@code r}; runs {@code allowed} on the loop when it passes and the connection is still open. */
  void check(AccessRequest r, int streamId, Runnable allowed) {
    check(r, streamId, () -> CompletableFuture.completedFuture(null), null, allowed);
  }

  /**
   * Checks {@code r}, then asks {@code then} (null when it allows, else why not: refused with
   * status {@code thenCode}); runs {@code allowed} on the loop when both pass and the connection
   * is still open. Reading stays paused until then.
   */
  void check(AccessRequest r, int streamId, Supplier<CompletionStage<String>> then, String thenCode,
      Runnable allowed) {
    pending = true;
    net.channel().config().setAutoRead(false);
    String code = publish ? "NetStream.Publish.Unauthorized" : "NetStream.Play.Failed";
    access.check(r).thenCompose(refusal -> refusal != null
        ? CompletableFuture.completedFuture(new Refusal(code, refusal))
        : then.get().thenApply(why -> why == null ? null : new Refusal(thenCode, why)))
        .whenComplete((refusal, err) -> net.execute(() -> {
          pending = false;
          net.channel().config().setAutoRead(true);
          if (!net.channel().isActive()) {
            return;
          }
          if (refusal != null || err != null) {
            metrics.refused(publish);
            String why = refusal != null ? refusal.why() : "access check failed";
            log.info("rtmp {} {} from {} refused: {}", publish ? "publish" : "play", r.key(), r.remote(), why);
            net.refuse(streamId, refusal != null ? refusal.code() : code, why);
            return;
          }
          allowed.run();
        }));
  }

  /** Why a request was refused, and the status code the client gets. */
  private record Refusal(String code, String why) {}

  /** Tells the on_done hook that the publish or play of {@code r} ended. */
  void done(AccessRequest r) {
    access.done(r);
  }
}
