package dev.parley.mqtt.routing;

import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.store.StoredSession;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/** The directory of a single node: a concurrent map from client id to session. Thread-safe. */
public final class LocalSessionDirectory implements SessionDirectory {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  @Override
  public Session local(String clientId) {
    return sessions.get(clientId);
  }

  @Override
  public void claim(String clientId, String userId, boolean cleanStart, Function<StoredSession, Session> make,
      BiConsumer<Session, Boolean> then, Consumer<Refusal> refused) {
    Session existing = sessions.get(clientId);
    if (existing == null) {
      Session created = make.apply(null);
      existing = sessions.putIfAbsent(clientId, created);
      if (existing == null) {
        then.accept(created, false);
        return;
      }
    }
    if (Objects.equals(existing.ownerId(), userId)) {
      then.accept(existing, true);
    } else {
      refused.accept(Refusal.ANOTHER_USER);
    }
  }

  @Override
  public void restored(Session session) {
    sessions.put(session.clientId(), session);
  }

  @Override
  public void release(Session session) {
    sessions.remove(session.clientId(), session);
  }

  @Override
  public Collection<Session> sessions() {
    return sessions.values();
  }
}
