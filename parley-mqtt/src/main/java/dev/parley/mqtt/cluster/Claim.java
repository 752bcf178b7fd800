package dev.parley.mqtt.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a claim of a client id under way on this node learns as it goes: the nodes asked to hand
 * the session over and whose answers it waits for, whether a newer claim elsewhere holds the
 * client id too, whether a holder refused (the session is another user's). Written before the
 * wait completes, read after.
 */
final class Claim {
  /** The connecting user; "": anonymous. */
  final String user;
  final List<String> asked = new ArrayList<>();
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
  private volatile CompletableFuture<Void> done;
  volatile boolean outdone;
  volatile boolean refused;
  /** Who holds the client id could not be asked (the shared state is away). */
  volatile boolean unknown;

  Claim(String user) {
    this.user = user;
  }

  /** {@code nodes} were asked to hand the session over: {@code done} completes once all answered, or one refused. */
  void await(Collection<String> nodes, CompletableFuture<Void> done) {
    asked.addAll(nodes);
    unanswered.addAll(nodes);
    this.done = done;
  }

  void answered(String node) {
    if (unanswered.remove(node) && unanswered.isEmpty()) {
      done.complete(null);
    }
  }

  /** The holder keeps the session: it is another user's. */
  void refused() {
    refused = true;
    done.complete(null);
  }
}
