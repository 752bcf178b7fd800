package dev.parley.client;

import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.PresenceSubscribe;
import dev.parley.protocol.im.PresenceUnsubscribe;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The users and groups the app follows for presence. The server forgets subscriptions with the
 * session, so they are renewed after every login and the current states reported again. I/O loop
 * only.
 */
final class PresenceFollows {
  private final Connection conn;
  private final RequestQueue requests;
  private final Listeners listeners;
  private final Set<String> users = new LinkedHashSet<>();
  private final Set<String> groups = new LinkedHashSet<>();

  PresenceFollows(Connection conn, RequestQueue requests, Listeners listeners) {
    this.conn = conn;
    this.requests = requests;
    this.listeners = listeners;
  }

  CompletableFuture<List<Presence>> follow(Collection<String> u, Collection<String> g) {
    users.addAll(u);
    groups.addAll(g);
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    requests.submit(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addAllUsers(u)
        .addAllGroups(g)), true, answer);
    return answer.thenApply(f -> {
      // Listeners hear the states as followed too, so an app can keep presence in one place.
      f.getPresenceList().getPresencesList().forEach(listeners::presence);
      return f.getPresenceList().getPresencesList();
    });
  }

  CompletableFuture<Frame> unfollow(Collection<String> u) {
    users.removeAll(u);
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    requests.submit(Frame.newBuilder().setPresenceUnsubscribe(PresenceUnsubscribe.newBuilder().addAllUsers(u)),
        true, answer);
    return answer;
  }

  /** After a login: follow again and tell the app the states as they are now. */
  void online() {
    if (users.isEmpty() && groups.isEmpty()) {
      return;
    }
    conn.send(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addAllUsers(users)
        .addAllGroups(groups)), new Requests.Caller() {
          @Override
          public void answered(Frame f) {
            for (Presence p : f.getPresenceList().getPresencesList()) {
              listeners.presence(p);
            }
          }

          @Override
          public void lost() {
            // renewed at the next login
          }
        });
  }

  void changed(Presence p) {
    listeners.presence(p);
  }
}
