package dev.parley.client.testing;

import dev.parley.client.CallListener;
import dev.parley.client.ConnectionEvent;
import dev.parley.client.ConnectionListener;
import dev.parley.client.ConnectionState;
import dev.parley.client.KickedListener;
import dev.parley.client.MessageListener;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyException;
import dev.parley.client.PresenceListener;
import dev.parley.client.ReceiptListener;
import dev.parley.client.SendListener;
import dev.parley.client.TypingListener;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Listens to everything a client reports and keeps it for the test to check. */
public final class Recorder implements MessageListener, ReceiptListener, PresenceListener, TypingListener,
    KickedListener, ConnectionListener, SendListener, CallListener {
  public final List<Message> messages = new CopyOnWriteArrayList<>();
  public final List<Message> sent = new CopyOnWriteArrayList<>();
  public final Map<String, ParleyException> failed = new ConcurrentHashMap<>();
  public final List<Receipt> receipts = new CopyOnWriteArrayList<>();
  public final List<Presence> presence = new CopyOnWriteArrayList<>();
  public final List<Typing> typing = new CopyOnWriteArrayList<>();
  public final List<Kicked> kicked = new CopyOnWriteArrayList<>();
  public final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
  public final List<CallRing> rings = new CopyOnWriteArrayList<>();
  public final List<CallState> callStates = new CopyOnWriteArrayList<>();
  public final List<CallStopRinging> stops = new CopyOnWriteArrayList<>();
  public final List<Signal> signals = new CopyOnWriteArrayList<>();
  public final List<RoomEvent> roomEvents = new CopyOnWriteArrayList<>();

  /** A recorder listening to everything {@code client} reports. */
  public static Recorder on(ParleyClient client) {
    Recorder r = new Recorder();
    client.onMessage(r);
    client.onReceipt(r);
    client.onPresence(r);
    client.onTyping(r);
    client.onKicked(r);
    client.onConnection(r);
    client.onSend(r);
    client.onCall(r);
    return r;
  }

  @Override
  public void onMessage(Message message) {
    messages.add(message);
  }

  @Override
  public void onReceipt(Receipt receipt) {
    receipts.add(receipt);
  }

  @Override
  public void onPresence(Presence p) {
    presence.add(p);
  }

  @Override
  public void onTyping(Typing t) {
    typing.add(t);
  }

  @Override
  public void onKicked(Kicked k) {
    kicked.add(k);
  }

  @Override
  public void onConnectionEvent(ConnectionEvent event) {
    events.add(event);
  }

  @Override
  public void onSent(Message message) {
    sent.add(message);
  }

  @Override
  public void onFailed(String clientId, ParleyException error) {
    failed.put(clientId, error);
  }

  @Override
  public void onRing(CallRing ring) {
    rings.add(ring);
  }

  @Override
  public void onState(CallState state) {
    callStates.add(state);
  }

  @Override
  public void onStopRinging(CallStopRinging stop) {
    stops.add(stop);
  }

  @Override
  public void onSignal(Signal signal) {
    signals.add(signal);
  }

  @Override
  public void onRoomEvent(RoomEvent event) {
    roomEvents.add(event);
  }

  /** How many times the client logged in. */
  public long logins() {
    return events.stream().filter(e -> e.state() == ConnectionState.ONLINE).count();
  }

  /** The latest state reported (OFFLINE before any). */
  public ConnectionState state() {
    return events.isEmpty() ? ConnectionState.OFFLINE : events.get(events.size() - 1).state();
  }

  public ConnectionEvent last() {
    return events.get(events.size() - 1);
  }

  /** The texts of the messages received in one conversation, in the order they came. */
  public List<String> texts(String conversation) {
    return messages.stream().filter(m -> m.getConversation().equals(conversation)).map(Message::getText).toList();
  }
}
