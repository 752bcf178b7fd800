package dev.parley.im.gateway;

import dev.parley.core.spi.ImGateway;
import dev.parley.im.session.Directory;
import dev.parley.im.session.Router;
import dev.parley.im.session.Session;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.LoginOk;
import dev.parley.protocol.im.Message;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IM's side of {@link ImGateway}: the seam through which call signaling rides on IM sessions. It
 * holds what other modules registered (frame handlers, session listeners, login decorators) and
 * reaches sessions through the directory, the router and the store it is given.
 */
public final class Gateway implements ImGateway {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Directory directory;
  private final ImStore store;
  private final Router router;
  private final Map<Frame.BodyCase, FrameHandler> handlers = new EnumMap<>(Frame.BodyCase.class);
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<String, LoginOk.Builder>> decorators = new CopyOnWriteArrayList<>();

  public Gateway(Directory directory, ImStore store, Router router) {
    this.directory = directory;
    this.store = store;
    this.router = router;
  }

  @Override
  public synchronized void handle(Frame.BodyCase bodyCase, FrameHandler handler) {
    if (handlers.putIfAbsent(bodyCase, handler) != null) {
      throw new IllegalStateException("a handler for " + bodyCase + " is already registered");
    }
  }

  /** The handler for a frame type, or null. */
  public synchronized FrameHandler handlerFor(Frame.BodyCase bodyCase) {
    return handlers.get(bodyCase);
  }

  @Override
  public List<ImSession> sessions(String user) {
    return List.of(directory.sessions(user));
  }

  @Override
  public int sendToUser(String user, Frame frame) {
    return router.sendToUser(user, frame);
  }

  @Override
  public void addSessionListener(SessionListener listener) {
    listeners.add(listener);
  }

  @Override
  public CompletableFuture<Message> sendDirect(String sender, String peer, Message draft) {
    CompletableFuture<Message> done = new CompletableFuture<>();
    Message m = draft.toBuilder().setSender(sender).build();
    store.send(Ids.direct(sender, peer), m, (sent, error) -> {
      if (error != null) {
        done.completeExceptionally(error);
      } else if (sent.stored() == null) {
        // Stored before under this client id: answer with where it was stored.
        done.complete(m.toBuilder().setConversation(sent.ack().getConversation()).setSeq(sent.ack().getSeq())
            .setTimestamp(sent.ack().getTimestamp()).build());
      } else {
        router.deliver(sent.stored(), null);
        done.complete(sent.stored().message());
      }
    });
    return done;
  }

  @Override
  public void addLoginDecorator(BiConsumer<String, LoginOk.Builder> decorator) {
    decorators.add(decorator);
  }

  /** Event loop, during login: lets every module add to the answer. */
  public void decorate(String user, LoginOk.Builder ok) {
    for (BiConsumer<String, LoginOk.Builder> d : decorators) {
      try {
        d.accept(user, ok);
      } catch (RuntimeException e) {
        log.error("login decorator failed for {}", user, e);
      }
    }
  }

  /** Event loop of {@code s}: it logged in. */
  public void opened(Session s) {
    for (SessionListener l : listeners) {
      try {
        l.opened(s);
      } catch (RuntimeException e) {
        log.error("session listener failed", e);
      }
    }
  }

  /** Event loop of {@code s}: it closed. */
  public void closed(Session s) {
    for (SessionListener l : listeners) {
      try {
        l.closed(s);
      } catch (RuntimeException e) {
        log.error("session listener failed", e);
      }
    }
  }
}
