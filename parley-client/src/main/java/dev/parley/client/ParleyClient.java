package dev.parley.client;

import dev.parley.protocol.im.CallAccept;
import dev.parley.protocol.im.CallCancel;
import dev.parley.protocol.im.CallHangup;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallReject;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupAddMembers;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.GroupGet;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.GroupLeave;
import dev.parley.protocol.im.GroupList;
import dev.parley.protocol.im.GroupRemoveMembers;
import dev.parley.protocol.im.GroupRename;
import dev.parley.protocol.im.GroupSetRole;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.HistoryResult;
import dev.parley.protocol.im.IceServer;
import dev.parley.protocol.im.ListConversations;
import dev.parley.protocol.im.MarkRead;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.Recall;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.RoomJoin;
import dev.parley.protocol.im.RoomJoined;
import dev.parley.protocol.im.RoomLeave;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.Typing;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A Parley IM client: one user on one device, connected over TCP or WebSocket.
 *
 * <p>Once {@link #connect()}ed, the client keeps the connection up by itself: it logs in, syncs
 * what the device missed, sends heartbeats, notices a dead connection and reconnects (at once,
 * then with exponential backoff and jitter), until {@link #logout()}, {@link #disconnect()}, a
 * refused token or a {@code Kicked} from the server. Messages given to {@link #send} wait in a
 * queue while offline and are sent again with the same client id until the server acknowledges
 * them, so each is stored exactly once. Incoming messages reach the {@link MessageListener} once
 * each, in order per conversation, whatever the connection went through.
 *
 * <pre>{@code
 * ParleyClient client = ParleyClient.create(ClientConfig.builder()
 *     .server("tcp://chat.example.com:7900").token(jwt).deviceId(installId).build());
 * client.onMessage(m -> show(m));
 * client.connect();
 * client.send(Outgoing.text("hi").toUser("bob")).result().thenAccept(m -> markSent(m));
 * }</pre>
 *
 * <p>Every method may be called from any thread and returns at once. Listeners and result futures
 * are called on the runtime's callback executor, in order; they must not block it for long.
 */
public final class ParleyClient implements AutoCloseable {
  private static final Logger log = Logger.getLogger(ParleyClient.class.getName());

  private final ClientConfig config;
  private final Listeners listeners;
  private final Engine engine;

  private ParleyClient(ClientConfig config) {
    this.config = config;
    ClientRuntime runtime = config.runtime != null ? config.runtime : ClientRuntime.shared();
    this.listeners = new Listeners(runtime.callbacks());
    this.engine = new Engine(config, runtime, listeners);
  }

  /** A client that does nothing until {@link #connect()}. */
  public static ParleyClient create(ClientConfig config) {
    return new ParleyClient(config);
  }

  /** The configuration this client was made with. */
  public ClientConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // Listeners

  /** Adds a listener for received messages (see {@link MessageListener}). */
  public Registration onMessage(MessageListener l) {
    return Listeners.add(listeners.messages, l);
  }

  /** Adds a listener for delivered and read receipts. */
  public Registration onReceipt(ReceiptListener l) {
    return Listeners.add(listeners.receipts, l);
  }

  /** Adds a listener for the presence of followed users. */
  public Registration onPresence(PresenceListener l) {
    return Listeners.add(listeners.presence, l);
  }

  /** Adds a listener for typing indicators. */
  public Registration onTyping(TypingListener l) {
    return Listeners.add(listeners.typing, l);
  }

  /** Adds a listener told when the server ends the session. */
  public Registration onKicked(KickedListener l) {
    return Listeners.add(listeners.kicked, l);
  }

  /** Adds a listener for connection state changes. */
  public Registration onConnection(ConnectionListener l) {
    return Listeners.add(listeners.connection, l);
  }

  /** Adds a listener for the outcome of every message this client sends. */
  public Registration onSend(SendListener l) {
    return Listeners.add(listeners.sends, l);
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  /** Connects and logs in, and keeps doing so until told otherwise. Harmless when already connected. */
  public void connect() {
    engine.run(engine.connector::connect);
  }

  /** When waiting to reconnect: try now instead of at the end of the backoff delay. */
  public void reconnectNow() {
    engine.run(engine.connector::reconnectNow);
  }

  /**
   * The device moved to another network (an id the app chooses, such as the Wi-Fi SSID or the
   * carrier): the connection is renewed at once and the adaptive heartbeat uses what it learned
   * on that network, or probes it afresh.
   */
  public void networkChanged(String networkId) {
    engine.run(() -> engine.connector.networkChanged(networkId));
  }

  /**
   * The app came to the foreground ({@code true}) or went to the background. In the foreground
   * a waiting reconnect is made at once and the link is checked; the heartbeat policy may use a
   * different interval.
   */
  public void setForeground(boolean foreground) {
    engine.run(() -> engine.connector.foreground(foreground));
  }

  /** Closes the connection and stays offline until {@link #connect()}; queued messages stay queued. */
  public void disconnect() {
    engine.run(engine.connector::disconnect);
  }

  /**
   * Ends the session on the server and stays offline; queued messages and requests fail with
   * {@code CLOSED}. The future completes when the server confirmed (or after 3 s) and the cursors
   * are saved.
   */
  public CompletableFuture<Void> logout() {
    return engine.onLoop(engine::logout);
  }

  /** The user this client logged in as (from the server's answer), or null before the first login. */
  public String userId() {
    return engine.read(engine.connector::userId);
  }

  /** Messages handed to {@link #send} or {@link #recall} still waiting for the server's acknowledgement. */
  public int pendingSends() {
    return engine.read(engine.sends::size);
  }

  /** The state now (changes are told to {@link ConnectionListener}s). */
  public ConnectionState state() {
    return engine.read(engine.connector::state);
  }

  /** Closes the connection for good, fails what is queued and saves the cursors. */
  @Override
  public void close() {
    try {
      engine.onLoop(engine.connector::close).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.fine("close: " + e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /** Sends a text message to a user. */
  public PendingSend sendText(String toUser, String text) {
    return send(Outgoing.text(text).toUser(toUser));
  }

  /**
   * Queues a message. It is sent now if online, else after the next login, and again with the
   * same client id until acknowledged or its deadline passes.
   */
  public PendingSend send(Outgoing message) {
    String clientId = message.clientIdOrNew();
    Send send = message.toSend(clientId);
    return engine.queue(clientId, send, null,
        (message.deadline() != null ? message.deadline() : config.sendDeadline).toMillis());
  }

  /**
   * Recalls one of this user's messages (within the server's recall window). Queued and resent
   * like a message; the result is the recall message (kind {@code MESSAGE_KIND_RECALL}).
   */
  public PendingSend recall(String conversation, long seq) {
    String clientId = UUID.randomUUID().toString();
    Recall recall = Recall.newBuilder().setClientId(clientId).setConversation(conversation).setSeq(seq).build();
    return engine.queue(clientId, null, recall, config.sendDeadline.toMillis());
  }

  /** Tells the other members this user is (or stopped) typing; dropped when offline. */
  public void typing(String conversation, boolean typing) {
    engine.tellIfOnline(Frame.newBuilder().setTyping(Typing.newBuilder().setConversation(conversation)
        .setTyping(typing)));
  }

  /** Moves this user's read cursor to {@code seq}; the other members get a read receipt. */
  public CompletableFuture<Void> markRead(String conversation, long seq) {
    return engine.request(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(conversation).setSeq(seq)),
        true).thenApply(f -> null);
  }

  /** Up to {@code limit} (max 100) messages before {@code beforeSeq} (0: the newest), ascending. */
  public CompletableFuture<HistoryResult> history(String conversation, long beforeSeq, int limit) {
    return engine.request(Frame.newBuilder().setHistory(History.newBuilder().setConversation(conversation)
        .setBeforeSeq(beforeSeq).setLimit(limit)), true).thenApply(Frame::getHistoryResult);
  }

  /** The user's conversations, most recent first, with unread counts. */
  public CompletableFuture<List<Conversation>> conversations() {
    return engine.request(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()), true)
        .thenApply(f -> f.getConversationList().getConversationsList());
  }

  /**
   * This device's sync cursors: per conversation, the highest seq up to which it has every
   * message. A snapshot.
   */
  public Map<String, Long> cursors() {
    return engine.read(engine.receiver::cursors);
  }

  // ---------------------------------------------------------------------------------------------
  // Presence

  /**
   * Follows the presence of users, and of every member of groups. Answers the current states,
   * which {@link PresenceListener}s hear too; changes then go to them, and after every reconnect
   * the states are fetched and told again.
   */
  public CompletableFuture<List<Presence>> subscribePresence(Collection<String> users, Collection<String> groups) {
    return engine.onLoop(() -> engine.presence.follow(List.copyOf(users), List.copyOf(groups)));
  }

  /** Stops following users' presence (also after reconnects). */
  public CompletableFuture<Void> unsubscribePresence(Collection<String> users) {
    return engine.onLoop(() -> engine.presence.unfollow(List.copyOf(users))).thenApply(f -> null);
  }

  // ---------------------------------------------------------------------------------------------
  // Groups

  /** Creates a group with this user as owner. Not repeated after a lost connection (it could create two). */
  public CompletableFuture<GroupInfo> createGroup(String name, Collection<String> members) {
    return engine.request(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName(name).addAllMembers(members)),
        false).thenApply(Frame::getGroupInfo);
  }

  /** Renames a group (owner or admin). */
  public CompletableFuture<Void> renameGroup(String groupId, String name) {
    return engine.request(Frame.newBuilder().setGroupRename(GroupRename.newBuilder().setGroupId(groupId).setName(name)),
        true).thenApply(f -> null);
  }

  /** Adds members to a group (owner or admin). */
  public CompletableFuture<Void> addMembers(String groupId, Collection<String> users) {
    return engine.request(Frame.newBuilder().setGroupAddMembers(GroupAddMembers.newBuilder().setGroupId(groupId)
        .addAllUsers(users)), true).thenApply(f -> null);
  }

  /** Removes members from a group (owner; admins for ordinary members). */
  public CompletableFuture<Void> removeMembers(String groupId, Collection<String> users) {
    return engine.request(Frame.newBuilder().setGroupRemoveMembers(GroupRemoveMembers.newBuilder().setGroupId(groupId)
        .addAllUsers(users)), true).thenApply(f -> null);
  }

  /** Leaves a group. Not repeated after a lost connection. */
  public CompletableFuture<Void> leaveGroup(String groupId) {
    return engine.request(Frame.newBuilder().setGroupLeave(GroupLeave.newBuilder().setGroupId(groupId)), false)
        .thenApply(f -> null);
  }

  /** Sets a member's role (owner only; {@code ROLE_OWNER} hands the group over). */
  public CompletableFuture<Void> setRole(String groupId, String user, Role role) {
    return engine.request(Frame.newBuilder().setGroupSetRole(GroupSetRole.newBuilder().setGroupId(groupId).setUser(user)
        .setRole(role)), true).thenApply(f -> null);
  }

  /** A group with its members (members only). */
  public CompletableFuture<GroupInfo> group(String groupId) {
    return engine.request(Frame.newBuilder().setGroupGet(GroupGet.newBuilder().setGroupId(groupId)), true)
        .thenApply(Frame::getGroupInfo);
  }

  /** This user's groups (without members). */
  public CompletableFuture<List<GroupInfo>> groups() {
    return engine.request(Frame.newBuilder().setGroupList(GroupList.getDefaultInstance()), true)
        .thenApply(f -> f.getGroupListResult().getGroupsList());
  }

  // ---------------------------------------------------------------------------------------------
  // Calls and rooms (signaling only: the app runs its WebRTC stack; see docs/CALLS.md)

  /** Hears rings, call states, stop-ringing, relayed signals and room events. */
  public Registration onCall(CallListener l) {
    return Listeners.add(listeners.calls, l);
  }

  /** The STUN/TURN servers with fresh credentials from the last login answer (empty before it). */
  public List<IceServer> iceServers() {
    return engine.read(engine.connector::iceServers);
  }

  /**
   * Calls {@code user}: every online device of theirs rings. Answers the call's state (ringing,
   * with its id); later states reach {@link CallListener#onState}. Not repeated after a lost
   * connection (it would ring twice).
   */
  public CompletableFuture<CallState> invite(String user, CallMedia media, String data) {
    return engine.request(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser(user).setMedia(media)
        .setData(data == null ? "" : data)), false).thenApply(Frame::getCallState);
  }

  /** Answers a ringing call on this device; the first device to accept wins. */
  public CompletableFuture<CallState> accept(String callId) {
    return engine.request(Frame.newBuilder().setCallAccept(CallAccept.newBuilder().setCallId(callId)), false)
        .thenApply(Frame::getCallState);
  }

  /** Declines a ringing call, as busy if {@code busy}. */
  public CompletableFuture<Void> reject(String callId, boolean busy) {
    return engine.request(Frame.newBuilder().setCallReject(CallReject.newBuilder().setCallId(callId).setBusy(busy)), true)
        .thenApply(f -> null);
  }

  /** The caller withdraws an invite that has not been answered. */
  public CompletableFuture<Void> cancel(String callId) {
    return engine.request(Frame.newBuilder().setCallCancel(CallCancel.newBuilder().setCallId(callId)), true)
        .thenApply(f -> null);
  }

  /** Ends an answered call for both parties. */
  public CompletableFuture<Void> hangup(String callId) {
    return engine.request(Frame.newBuilder().setCallHangup(CallHangup.newBuilder().setCallId(callId)), true)
        .thenApply(f -> null);
  }

  /**
   * Relays an offer, answer, candidate or custom payload to the other party of a call (set
   * {@code call_id}) or to a room participant (set {@code room} and {@code to_session}). Signals
   * of one client reach the peer in the order sent. Not repeated after a lost connection: a call
   * that resumes renegotiates instead (its state says {@code restart_ice}).
   */
  public CompletableFuture<Void> signal(Signal signal) {
    return engine.request(Frame.newBuilder().setSignal(signal), false).thenApply(f -> null);
  }

  /**
   * Joins a room ({@code capacity} 0: the server's default), creating it if needed; answers the
   * participants. A room this creates is private to its creator unless the server makes rooms open
   * by default: use {@link #joinRoom(RoomJoin)} to invite members, open it, or pass a join token.
   */
  public CompletableFuture<RoomJoined> joinRoom(String room, int capacity) {
    return joinRoom(RoomJoin.newBuilder().setRoom(room).setCapacity(capacity).build());
  }

  /**
   * Joins a room with every option of {@link RoomJoin}: for a new room its capacity, members and
   * open flag; a join token from the app server. Fails with FORBIDDEN when the room does not
   * admit this user (docs/CALLS.md, "Room access").
   */
  public CompletableFuture<RoomJoined> joinRoom(RoomJoin join) {
    return engine.request(Frame.newBuilder().setRoomJoin(join), true).thenApply(Frame::getRoomJoined);
  }

  /** Leaves a room (leaving happens by itself when the connection closes). */
  public CompletableFuture<Void> leaveRoom(String room) {
    return engine.request(Frame.newBuilder().setRoomLeave(RoomLeave.newBuilder().setRoom(room)), true).thenApply(f -> null);
  }
}
