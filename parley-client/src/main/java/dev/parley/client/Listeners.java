package dev.parley.client;

import dev.parley.protocol.im.CallRing;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.Kicked;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.RoomEvent;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.Typing;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The app's listeners, called in order on the callback executor; a throwing listener is logged, not fatal. */
final class Listeners {
  private static final Logger log = Logger.getLogger(Listeners.class.getName());

  final List<MessageListener> messages = new CopyOnWriteArrayList<>();
  final List<ReceiptListener> receipts = new CopyOnWriteArrayList<>();
  final List<PresenceListener> presence = new CopyOnWriteArrayList<>();
  final List<TypingListener> typing = new CopyOnWriteArrayList<>();
  final List<KickedListener> kicked = new CopyOnWriteArrayList<>();
  final List<ConnectionListener> connection = new CopyOnWriteArrayList<>();
  final List<SendListener> sends = new CopyOnWriteArrayList<>();
  final List<CallListener> calls = new CopyOnWriteArrayList<>();
  private final Executor executor;

  Listeners(Executor executor) {
    this.executor = executor;
  }

  static <T> Registration add(List<T> list, T listener) {
    list.add(Objects.requireNonNull(listener));
    return () -> list.remove(listener);
  }

  void message(Message m) {
    each(messages, l -> l.onMessage(m));
  }

  void receipt(Receipt r) {
    each(receipts, l -> l.onReceipt(r));
  }

  void presence(Presence p) {
    each(presence, l -> l.onPresence(p));
  }

  void typing(Typing t) {
    each(typing, l -> l.onTyping(t));
  }

  void kicked(Kicked k) {
    each(kicked, l -> l.onKicked(k));
  }

  void ring(CallRing r) {
    each(calls, l -> l.onRing(r));
  }

  void callState(CallState st) {
    each(calls, l -> l.onState(st));
  }

  void stopRinging(CallStopRinging stop) {
    each(calls, l -> l.onStopRinging(stop));
  }

  void signal(Signal signal) {
    each(calls, l -> l.onSignal(signal));
  }

  void roomEvent(RoomEvent e) {
    each(calls, l -> l.onRoomEvent(e));
  }

  void connection(ConnectionEvent e) {
    each(connection, l -> l.onConnectionEvent(e));
  }

  void sent(Message m) {
    each(sends, l -> l.onSent(m));
  }

  void failed(String clientId, ParleyException e) {
    each(sends, l -> l.onFailed(clientId, e));
  }

  <T> void complete(CompletableFuture<T> f, T value) {
    executor.execute(() -> f.complete(value));
  }

  void fail(CompletableFuture<?> f, Throwable e) {
    executor.execute(() -> f.completeExceptionally(e));
  }

  private <T> void each(List<T> list, Consumer<T> call) {
    if (list.isEmpty()) {
      return;
    }
    executor.execute(() -> {
      for (T l : list) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          log.log(Level.WARNING, "listener " + l + " failed", e);
        }
      }
    });
  }
}
