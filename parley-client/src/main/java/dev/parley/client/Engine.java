package dev.parley.client;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.net.IoLoop;
import dev.parley.client.time.Cancellable;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Recall;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.Logout;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The parts of one client and how they are wired: the {@link Connector} (connection, login,
 * heartbeat, reconnect), the {@link SendQueue}, the {@link Receiver} (dedup, gap sync, cursors), the
 * app's requests and the presence it follows. Every part lives on the client's I/O loop; the
 * methods here that {@link ParleyClient} calls from any thread hop onto it.
 */
final class Engine implements ClientParts {
  private static final Logger log = Logger.getLogger(Engine.class.getName());
  /** How long a logout waits for the server's answer before it goes offline anyway. */
  private static final long LOGOUT_WAIT_MILLIS = 3000;

  final IoLoop loop;
  final Connector connector;
  final SendQueue sends;
  final Receiver receiver;
  final RequestQueue requests;
  final PresenceFollows presence;
  private final Listeners listeners;
  private final LoopTimers timers;

  Engine(ClientConfig cfg, ClientRuntime runtime, Listeners listeners) {
    this.listeners = listeners;
    this.loop = runtime.nextLoop();
    this.timers = new LoopTimers(runtime.scheduler(), loop);
    this.connector = new Connector(cfg, loop, new LinkOpener(cfg, loop, runtime.blocking(), runtime.httpClients()),
        timers, listeners, this);
    this.sends = new SendQueue(connector, timers, listeners, cfg.resendAfter.toMillis(), this::ownStored);
    this.receiver = new Receiver(connector, timers, listeners, sends::claim,
        new Cursors(cfg.cursorStore, timers, cfg.cursorSaveDelay.toMillis(), runtime.blocking()),
        cfg.initialSyncRecent);
    this.requests = new RequestQueue(connector, timers, listeners, cfg.requestTimeout.toMillis());
    this.presence = new PresenceFollows(connector, requests, listeners);
  }

  private void ownStored(Message m) {
    receiver.own(m);
  }

  // ---------------------------------------------------------------------------------------------
  // What the connection tells the parts

  @Override
  public void online(String userId) {
    // Sync first, so messages this device sent before a lost SendAck are recognised when they
    // come back; then what waited to be sent, then the app's requests.
    receiver.loggedIn(userId);
    sends.online();
    requests.online();
    presence.online();
  }

  @Override
  public void offline() {
    receiver.offline();
  }

  @Override
  public void failAll(ParleyException ex) {
    sends.failAll(ex);
    requests.failAll(ex);
  }

  @Override
  public CompletableFuture<Void> saveNow() {
    return receiver.saveNow();
  }

  @Override
  public void frame(Frame f) {
    switch (f.getBodyCase()) {
      case PUSH -> receiver.push(f.getPush().getMessagesList());
      case RECEIPT -> listeners.receipt(f.getReceipt());
      case PRESENCE -> presence.changed(f.getPresence());
      case TYPING -> listeners.typing(f.getTyping());
      case CALL_RING -> listeners.ring(f.getCallRing());
      case CALL_STATE -> listeners.callState(f.getCallState());
      case CALL_STOP_RINGING -> listeners.stopRinging(f.getCallStopRinging());
      case SIGNAL -> listeners.signal(f.getSignal());
      case ROOM_EVENT -> listeners.roomEvent(f.getRoomEvent());
      default -> log.fine(() -> "ignored frame " + f.getBodyCase() + " req " + f.getReq());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Logout: the session ends on the server, then the client goes offline and saves its cursors.
  // The future completes on the callback executor after the OFFLINE event, as sends do after onSent.

  CompletableFuture<Void> logout() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    failAll(ParleyException.of(ParleyException.Kind.CLOSED, "logged out"));
    if (!connector.isOnline()) {
      connector.stop(Cause.LOGGED_OUT);
      saveNow().whenComplete((v, e) -> listeners.complete(done, null));
      return done;
    }
    connector.stopReconnecting();
    Cancellable giveUp = timers.schedule(LOGOUT_WAIT_MILLIS, () -> finishLogout(done));
    connector.send(Frame.newBuilder().setLogout(Logout.getDefaultInstance()), new Requests.Caller() {
      @Override
      public void answered(Frame answer) {
        giveUp.cancel();
        finishLogout(done);
      }

      @Override
      public void lost() {
        giveUp.cancel();
        finishLogout(done);
      }
    });
    return done;
  }

  private void finishLogout(CompletableFuture<Void> done) {
    if (done.isDone()) {
      return;
    }
    connector.stop(Cause.LOGGED_OUT);
    saveNow().whenComplete((v, e) -> listeners.complete(done, null));
  }

  // ---------------------------------------------------------------------------------------------
  // From the app's threads onto the loop

  /** Runs {@code task} on the loop. */
  void run(Runnable task) {
    loop.execute(task);
  }

  /** Queues a message or a recall; the result completes with the stored message. */
  PendingSend queue(String clientId, Send send, Recall recall, long deadlineMillis) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    loop.execute(() -> sends.add(clientId, send, recall, deadlineMillis, result));
    return new PendingSend(clientId, result);
  }

  /** Sends a request nobody waits the answer of (typing); dropped when offline. */
  void tellIfOnline(Frame.Builder body) {
    loop.execute(() -> {
      if (connector.isOnline()) {
        connector.tell(body);
      }
    });
  }

  /** Submits one of the app's requests on the loop; the future completes with its answer. */
  CompletableFuture<Frame> request(Frame.Builder body, boolean repeatable) {
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    loop.execute(() -> requests.submit(body, repeatable, answer));
    return answer;
  }

  /** Runs {@code work} on the loop and passes its future on. */
  <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    loop.execute(() -> work.get().whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else {
        out.complete(v);
      }
    }));
    return out;
  }

  /** Reads loop state from any thread (waits for the loop). */
  <T> T read(Supplier<T> state) {
    if (loop.inLoop()) {
      return state.get();
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(() -> f.complete(state.get()));
    return f.join();
  }
}
