// Parley JavaScript SDK: one ES module, no build step, no dependencies.
//
//   import { ParleyClient, LocalStorageStore, devLogin } from '/js/parley.js';
//   const client = new ParleyClient({ store: new LocalStorageStore() });
//   client.on('message', m => console.log(m.sender, m.text));
//   await client.login(() => devLogin('alice'));
//   client.send({ to: 'bob', text: 'hi' });
//
// It speaks the Parley IM protocol (docs/PROTOCOL.md) over WebSocket text frames in protobuf's
// JSON mapping and does the client's half of the delivery contract: a send queue that resends
// with the same client id until the server acknowledges, in-order exactly-once delivery by
// sequence number with gap fill, cumulative acks, sync from persisted cursors on every login,
// heartbeats, and reconnects with exponential backoff and jitter. docs/SDK-JS.md is the guide.

export const VERSION = '0.1.0';
const PROTOCOL_VERSION = 1;

/** Connection states, in the order a session goes through them. */
export const State = Object.freeze({
  /** Not logged in: before login() or after logout(). */
  OFFLINE: 'offline',
  /** Opening the WebSocket and logging in. */
  CONNECTING: 'connecting',
  /** Logged in; messages flow. */
  ONLINE: 'online',
  /** The link is down; the next attempt is scheduled (see the state event's retryInMs). */
  RECONNECTING: 'reconnecting',
  /** Another login replaced this session, or an administrator ended it. No reconnect until login(). */
  KICKED: 'kicked',
  /** The server refused the login for good (bad token, unsupported version). No reconnect until login(). */
  FAILED: 'failed',
});

/** Error codes the SDK adds to the server's ErrorCode names (without their ERROR_CODE_ prefix). */
export const ClientError = Object.freeze({
  TIMEOUT: 'TIMEOUT',
  DISCONNECTED: 'DISCONNECTED',
  LOGGED_OUT: 'LOGGED_OUT',
  NOT_LOGGED_IN: 'NOT_LOGGED_IN',
});

/** A refused request or a failed send: code is the server's ErrorCode without its prefix, or a ClientError. */
export class ParleyError extends Error {
  constructor(code, message, retryAfterMs = 0) {
    super(message || code);
    this.name = 'ParleyError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

const DEFAULTS = Object.freeze({
  platform: 'PLATFORM_WEB',
  heartbeatIntervalMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  sendAckTimeoutMs: 10_000,
  sendDeadlineMs: 120_000,
  backoffInitialMs: 2_000,
  backoffMaxMs: 64_000,
  backoffJitter: 0.5,
  syncLimit: 200,
  syncRecent: 0,
  gapRetryMs: 1_000,
  persistDelayMs: 250,
  maxAheadPerConversation: 5_000,
});

/** Server error codes after which a login is not retried. */
const LOGIN_FATAL = new Set(['UNSUPPORTED_VERSION', 'BAD_REQUEST']);
const LOGIN_TOKEN = new Set(['INVALID_TOKEN', 'TOKEN_EXPIRED']);
/** Server error codes after which a send is tried again rather than failed. */
const SEND_RETRY = new Set(['RATE_LIMITED', 'INTERNAL', 'SHUTTING_DOWN', 'NOT_LOGGED_IN']);

// ------------------------------------------------------------------------------------------------
// Stores, clock, helpers

/** Keeps cursors in memory: the default, good for tests and short-lived pages. */
export class MemoryStore {
  #map = new Map();
  get(key) {
    const v = this.#map.get(key);
    return v === undefined ? null : JSON.parse(v);
  }
  set(key, value) {
    this.#map.set(key, JSON.stringify(value));
  }
  remove(key) {
    this.#map.delete(key);
  }
}

/** Keeps cursors in the browser's localStorage (or any Web Storage, such as sessionStorage). */
export class LocalStorageStore {
  constructor(storage = globalThis.localStorage, prefix = 'parley:') {
    if (!storage) throw new Error('no Web Storage here; pass one or use MemoryStore');
    this.storage = storage;
    this.prefix = prefix;
  }
  get(key) {
    const v = this.storage.getItem(this.prefix + key);
    return v == null ? null : JSON.parse(v);
  }
  set(key, value) {
    this.storage.setItem(this.prefix + key, JSON.stringify(value));
  }
  remove(key) {
    this.storage.removeItem(this.prefix + key);
  }
}

/** The real clock; tests pass their own with the same three functions. */
export const systemClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
});

/** A random UUID (version 4), used for client message ids and device ids. */
export function uuid() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A device id kept in a Web Storage, so the server's kick policy sees the same device again. */
export function storedDeviceId(storage = globalThis.localStorage, key = 'parley:device-id') {
  let id = storage.getItem(key);
  if (!id) {
    id = 'web-' + uuid();
    storage.setItem(key, id);
  }
  return id;
}

/** The id of the direct conversation of two users (the same from both sides). */
export function directConversation(a, b) {
  return a < b ? `u:${a}:${b}` : `u:${b}:${a}`;
}

/** The other user of a direct conversation, or null for groups and system conversations. */
export function peerOf(conversation, me) {
  if (!conversation.startsWith('u:')) return null;
  const [a, b] = conversation.slice(2).split(':');
  return a === me ? b : a;
}

/**
 * Dev login (the server's default config, from this machine only): a token for any user id.
 * Pass it as the token function to login() so every reconnect gets a fresh token.
 */
export async function devLogin(userId, { baseUrl = '', fetch: f = globalThis.fetch } = {}) {
  const r = await f(`${baseUrl}/api/v1/dev/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new ParleyError(body.code || `HTTP_${r.status}`, body.message || `dev login failed (${r.status})`);
  return body.token;
}

const num = (v) => (v == null ? 0 : Number(v));
const enumName = (prefix, v) => (typeof v === 'string' && v.startsWith(prefix) ? v.slice(prefix.length).toLowerCase() : 'unspecified');
const enumValue = (prefix, name) => prefix + String(name).toUpperCase();

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text) {
  if (!text) return new Uint8Array(0);
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function toBytes(data) {
  if (data == null) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new TextEncoder().encode(JSON.stringify(data));
}

/** Bytes of a message's content as the server counts them against its limit. */
function contentSize(body) {
  const enc = new TextEncoder();
  let n = body.text ? enc.encode(body.text).length : 0;
  if (body.custom) n += enc.encode(body.custom.type).length + Math.floor((body.custom.data.length * 3) / 4) - (body.custom.data.match(/=*$/)[0].length);
  return n;
}

/** A message as the app sees it: numbers for seq and times, short names for kinds. */
export function toMessage(m) {
  return {
    conversation: m.conversation || '',
    seq: num(m.seq),
    sender: m.sender || '',
    clientId: m.clientId || '',
    timestamp: num(m.timestamp),
    kind: enumName('MESSAGE_KIND_', m.kind),
    text: m.text || '',
    custom: m.custom ? { type: m.custom.type || '', data: fromBase64(m.custom.data) } : null,
    recalledSeq: num(m.recalledSeq),
    recalled: !!m.recalled,
    event: m.event || '',
    attributes: m.attributes || {},
  };
}

function toConversation(c) {
  return {
    conversation: c.conversation,
    type: enumName('CONVERSATION_TYPE_', c.type),
    title: c.title || '',
    lastSeq: num(c.lastSeq),
    readSeq: num(c.readSeq),
    unread: num(c.unread),
    lastMessage: c.lastMessage ? toMessage(c.lastMessage) : null,
    peerReadSeq: num(c.peerReadSeq),
  };
}

function toGroup(g) {
  return {
    groupId: g.groupId,
    conversation: g.conversation,
    name: g.name || '',
    owner: g.owner || '',
    members: (g.members || []).map((m) => ({ user: m.user, role: enumName('ROLE_', m.role), joinedAt: num(m.joinedAt) })),
    memberCount: num(g.memberCount),
    createdAt: num(g.createdAt),
  };
}

const toPresence = (p) => ({ user: p.user, online: !!p.online, lastSeen: num(p.lastSeen) });
const toReceipt = (r) => ({ conversation: r.conversation, user: r.user, type: enumName('RECEIPT_TYPE_', r.type), seq: num(r.seq) });
const toAck = (a) => ({ clientId: a.clientId, conversation: a.conversation, seq: num(a.seq), timestamp: num(a.timestamp), duplicate: !!a.duplicate });
const errorOf = (e) => new ParleyError(String(e.code || 'ERROR_CODE_UNSPECIFIED').replace(/^ERROR_CODE_/, ''), e.message || '', num(e.retryAfterMs));
const bodyOf = (frame) => Object.keys(frame).find((k) => k !== 'req');
const toIceServer = (i) => {
  const out = { urls: i.urls || [] };
  if (i.username) Object.assign(out, { username: i.username, credential: i.credential || '' });
  return out;
};
/** A call's state: status 'ringing' | 'active' | 'ended', with the end reason ('hangup', 'declined', ...). */
export const toCallState = (c) => ({
  callId: c.callId, status: enumName('CALL_STATUS_', c.status), caller: c.caller, callee: c.callee,
  media: enumName('CALL_MEDIA_', c.media), callerSession: c.callerSession || '', calleeSession: c.calleeSession || '',
  expiresAt: num(c.expiresAt), answeredAt: num(c.answeredAt), reason: c.reason ? enumName('CALL_END_REASON_', c.reason) : '',
  endedBy: c.endedBy || '', durationMs: num(c.durationMs), polite: !!c.polite, resumed: !!c.resumed, restartIce: !!c.restartIce,
});
const toRing = (r) => ({
  callId: r.callId, caller: r.caller, media: enumName('CALL_MEDIA_', r.media), expiresAt: num(r.expiresAt),
  data: r.data || '', callerSession: r.callerSession || '',
});
const toParticipant = (p) => ({ user: p.user, deviceId: p.deviceId || '', sessionId: p.sessionId, joinedAt: num(p.joinedAt) });
/** A relayed signal; payload is parsed JSON (null when empty). */
const toSignal = (s) => {
  let payload = null;
  try {
    payload = s.payload ? JSON.parse(s.payload) : null;
  } catch {
    payload = s.payload;
  }
  return { callId: s.callId || '', room: s.room || '', kind: enumName('SIGNAL_KIND_', s.kind), payload,
    fromUser: s.fromUser || '', fromSession: s.fromSession || '', toSession: s.toSession || '' };
};

// ------------------------------------------------------------------------------------------------
// Receiving: in order, once

/**
 * Per conversation, the cursor (every message up to it was handed to the app; null when this
 * device has never seen the conversation) and the messages held back ahead of a gap.
 */
class Receiver {
  constructor(limit) {
    this.limit = limit;
    this.convs = new Map();
    this.dirty = new Set();
    this.duplicates = 0;
  }

  load(cursors) {
    this.convs.clear();
    this.dirty.clear();
    for (const [conv, seq] of Object.entries(cursors || {})) this.convs.set(conv, { cursor: num(seq), ahead: new Map() });
  }

  cursors() {
    const out = {};
    for (const [conv, c] of this.convs) if (c.cursor !== null) out[conv] = c.cursor;
    return out;
  }

  /**
   * Takes one message; calls deliver for each message that is now next in order. Returns true
   * when the message sits ahead of a gap (a sync must fill it). A message of a conversation this
   * device has never seen starts it when it is seq 1 or comes from a sync (which starts where
   * the user's view of the conversation starts); otherwise it waits for a sync.
   */
  accept(m, fromSync, deliver) {
    let c = this.convs.get(m.conversation);
    if (!c) {
      c = { cursor: null, ahead: new Map() };
      this.convs.set(m.conversation, c);
    }
    if (c.cursor === null) {
      if (m.seq === 1 || fromSync) {
        c.cursor = m.seq - 1;
      } else {
        this.#hold(c, m);
        return true;
      }
    }
    if (m.seq <= c.cursor) {
      this.duplicates++;
      return false;
    }
    if (m.seq > c.cursor + 1) {
      this.#hold(c, m);
      return true;
    }
    deliver(m);
    c.cursor = m.seq;
    this.#drain(c, deliver);
    this.dirty.add(m.conversation);
    return false;
  }

  /** Hands over what was held back and is now next in order; forgets what is now behind. */
  #drain(c, deliver) {
    for (let next = c.ahead.get(c.cursor + 1); next; next = c.ahead.get(c.cursor + 1)) {
      c.ahead.delete(next.seq);
      deliver(next);
      c.cursor = next.seq;
    }
    for (const seq of c.ahead.keys()) if (seq <= c.cursor) c.ahead.delete(seq);
  }

  /**
   * After a complete sync: a conversation new to this device that the sync did not start (the
   * server has nothing before the held messages for this user) starts at its lowest held one.
   */
  startUnknown(deliver) {
    for (const [conv, c] of this.convs) {
      if (c.cursor !== null || c.ahead.size === 0) continue;
      c.cursor = Math.min(...c.ahead.keys()) - 1;
      this.#drain(c, deliver);
      this.dirty.add(conv);
    }
  }

  #hold(c, m) {
    // Beyond the bound the message is dropped: the server resends unacknowledged pushes and the
    // sync brings it, so nothing is lost, only memory is saved.
    if (c.ahead.size < this.limit || c.ahead.has(m.seq)) c.ahead.set(m.seq, m);
  }

  /** Whether any conversation still holds messages behind a gap. */
  hasGaps() {
    for (const c of this.convs.values()) if (c.ahead.size > 0) return true;
    return false;
  }

  /** The cursors changed since the last call, for a cumulative Ack. */
  takeDirty() {
    const out = [];
    for (const conv of this.dirty) out.push({ conversation: conv, seq: String(this.convs.get(conv).cursor) });
    this.dirty.clear();
    return out;
  }
}

// ------------------------------------------------------------------------------------------------
// The client

/**
 * A Parley IM client over one WebSocket. Options (all optional):
 * url (default: ws(s)://this page's host/im), deviceId, platform, store (cursor store: MemoryStore
 * by default, LocalStorageStore in browsers), heartbeatIntervalMs, heartbeatTimeoutMs,
 * connectTimeoutMs, requestTimeoutMs, sendAckTimeoutMs (resend after), sendDeadlineMs (fail
 * after), backoffInitialMs, backoffMaxMs, backoffJitter (0..1), syncLimit, syncRecent (how many
 * recent messages a conversation new to this device starts with; 0 = from its start),
 * networkEvents (in browsers: reconnect when the network comes back, check the link when the page is
 * shown again, save cursors when it is left), and for tests WebSocket, clock, random.
 */
export class ParleyClient {
  #o;
  #clock;
  #listeners = new Map();
  #state = State.OFFLINE;
  #tokenSource = null;
  #stopped = true;
  #ws = null;
  #gen = 0;
  #req = 0;
  #attempt = 0;
  #goAwayDelay = null;
  #timers = { reconnect: null, connect: null, heartbeat: null, pong: null, persist: null, gap: null };
  #lastWrite = 0;
  #loginReq = 0;
  #loginWaiters = [];
  #session = null;
  #userId = null;
  #ready = false;
  #early = [];
  #receiver;
  #storeKey = null;
  #syncing = false;
  #syncAgain = false;
  #synced = false;
  #inflight = new Map();
  #queued = [];
  #outbox = new Map();
  #failed = new Map();
  #sendReqs = new Map();
  #presenceUsers = new Set();
  #presenceGroups = new Set();

  constructor(options = {}) {
    this.#o = { ...DEFAULTS, ...options };
    this.#clock = this.#o.clock || systemClock;
    this.#o.random = this.#o.random || Math.random;
    this.#o.store = this.#o.store || new MemoryStore();
    this.#o.deviceId = this.#o.deviceId || 'js-' + uuid();
    this.#o.WebSocket = this.#o.WebSocket || globalThis.WebSocket;
    if (!this.#o.url) {
      const loc = globalThis.location;
      if (!loc) throw new Error('url is required outside a browser page');
      this.#o.url = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/im`;
    }
    this.#receiver = new Receiver(this.#o.maxAheadPerConversation);
    if (this.#o.networkEvents !== false && typeof globalThis.addEventListener === 'function') {
      // The network is back, or a frozen tab wakes up: reconnect now, or check the link at once.
      globalThis.addEventListener('online', () => this.reconnectNow());
      globalThis.document?.addEventListener?.('visibilitychange', () => {
        if (globalThis.document.visibilityState === 'visible') this.reconnectNow();
      });
      globalThis.addEventListener('pagehide', () => this.#persistNow());
    }
  }

  // ---- events

  /**
   * Listens to an event: 'state', 'message', 'receipt', 'presence', 'typing', 'kicked', 'sent',
   * 'failed', 'recall', 'synced', 'login', 'error', and for calls 'callRing', 'callState',
   * 'callStopRinging', 'signal', 'roomEvent'. Returns a function that removes the listener.
   */
  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  #emit(event, value) {
    for (const l of [...(this.#listeners.get(event) || [])]) {
      try {
        l(value);
      } catch (e) {
        // An app's bug must not break the SDK's bookkeeping; report it where the app sees errors.
        (globalThis.reportError || ((x) => this.#clock.setTimeout(() => { throw x; }, 0)))(e);
      }
    }
  }

  // ---- session

  get state() {
    return this.#state;
  }

  /** The logged-in user, known after the first login. */
  get userId() {
    return this.#userId;
  }

  get deviceId() {
    return this.#o.deviceId;
  }

  /**
   * What the last LoginOk said: userId, sessionId, idleTimeoutMs, maxHeartbeatIntervalMs, serverTime,
   * maxMessageBytes, iceServers (for RTCPeerConnection) and iceExpiresAt.
   */
  get session() {
    return this.#session;
  }

  /** Cursors per conversation: every message up to each was handed to the app. */
  cursors() {
    return this.#receiver.cursors();
  }

  /**
   * Logs in with a token, or a function returning a token (or a promise of one) that is called
   * on every connect, so reconnects use fresh tokens. Resolves with the session once online;
   * rejects when the login is refused for good, the session is kicked or logout() is called
   * first. Transient failures are retried with backoff and do not reject.
   */
  login(token) {
    if (!token) throw new ParleyError(ClientError.NOT_LOGGED_IN, 'a token (or a function returning one) is needed');
    if (!this.#stopped) throw new ParleyError('ALREADY_LOGGED_IN', 'logout() first');
    this.#tokenSource = token;
    this.#stopped = false;
    this.#attempt = 0;
    this.#goAwayDelay = null;
    const p = new Promise((resolve, reject) => this.#loginWaiters.push({ resolve, reject }));
    this.#connect();
    return p;
  }

  /** Ends the session: tells the server, stops reconnecting, fails queued sends, saves cursors. */
  async logout() {
    if (this.#stopped) return;
    const wasOnline = this.#state === State.ONLINE;
    const bye = wasOnline ? this.#request('logout', {}, { timeoutMs: 2_000 }).catch(() => {}) : null;
    this.#stopped = true;
    await bye;
    this.#dropLink();
    this.#stop(State.OFFLINE, new ParleyError(ClientError.LOGGED_OUT, 'logged out'));
    for (const e of [...this.#outbox.values()]) this.#fail(e, new ParleyError(ClientError.LOGGED_OUT, 'logged out before the server took it'));
    await this.#persistNow();
  }

  /** Reconnects now instead of waiting out the backoff (for example when the network is back). */
  reconnectNow() {
    if (this.#state === State.RECONNECTING) {
      this.#clearTimer('reconnect');
      this.#connect();
    } else if (this.#state === State.ONLINE) {
      this.#heartbeat();
    }
  }

  #setState(state, extra = {}) {
    const previous = this.#state;
    this.#state = state;
    if (previous !== state || extra.retryInMs !== undefined) this.#emit('state', { state, previous, ...extra });
  }

  async #connect() {
    const gen = ++this.#gen;
    this.#setState(State.CONNECTING, { attempt: this.#attempt });
    // One deadline for getting a token, opening the socket and logging in.
    this.#timers.connect = this.#clock.setTimeout(
      () => this.#linkDown(gen, new ParleyError(ClientError.TIMEOUT, 'not logged in within ' + this.#o.connectTimeoutMs + ' ms')),
      this.#o.connectTimeoutMs);
    let token;
    try {
      token = typeof this.#tokenSource === 'function' ? await this.#tokenSource() : this.#tokenSource;
    } catch (e) {
      if (gen === this.#gen) this.#linkDown(gen, e instanceof ParleyError ? e : new ParleyError('TOKEN_UNAVAILABLE', String(e?.message || e)));
      return;
    }
    if (gen !== this.#gen || this.#stopped) return;
    let ws;
    try {
      ws = new this.#o.WebSocket(this.#o.url);
    } catch (e) {
      this.#linkDown(gen, new ParleyError(ClientError.DISCONNECTED, String(e?.message || e)));
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (gen !== this.#gen) return;
      this.#loginReq = this.#nextReq();
      this.#write({ req: this.#loginReq, login: {
        protocolVersion: PROTOCOL_VERSION, token, deviceId: this.#o.deviceId, platform: this.#o.platform,
        clientVersion: 'parley-js/' + VERSION,
      } });
    };
    ws.onmessage = (ev) => {
      if (gen === this.#gen) this.#onData(ev.data);
    };
    ws.onclose = (ev) => this.#linkDown(gen, new ParleyError(ClientError.DISCONNECTED, `closed (${ev?.code ?? ''} ${ev?.reason ?? ''})`.trim()));
    ws.onerror = () => {};
  }

  /** The link of generation gen is gone: clean up and, unless stopped, schedule the next attempt. */
  #linkDown(gen, error) {
    if (gen !== this.#gen) return;
    this.#gen++;
    this.#dropLink();
    if (this.#stopped) return;
    let delay;
    if (this.#goAwayDelay !== null) {
      delay = this.#goAwayDelay;
      this.#goAwayDelay = null;
      this.#attempt = 1;
    } else {
      delay = this.#backoff(this.#attempt++, error?.retryAfterMs || 0);
    }
    this.#setState(State.RECONNECTING, { retryInMs: delay, error });
    this.#timers.reconnect = this.#clock.setTimeout(() => {
      this.#timers.reconnect = null;
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  /** Attempt 0 is at once; then initial, 2 × initial, … up to the cap, each shortened by up to jitter × itself. */
  #backoff(attempt, atLeast) {
    if (attempt === 0 && atLeast === 0) return 0;
    const n = Math.max(attempt, 1);
    const base = Math.min(this.#o.backoffMaxMs, this.#o.backoffInitialMs * 2 ** Math.min(n - 1, 30));
    const jittered = Math.round(base * (1 - this.#o.backoffJitter * this.#o.random()));
    return Math.max(jittered, atLeast);
  }

  /** Closes the socket and everything that lived with it; the session state stays. */
  #dropLink() {
    const ws = this.#ws;
    this.#ws = null;
    for (const t of ['connect', 'heartbeat', 'pong', 'gap']) this.#clearTimer(t);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {
        // closing a socket that never opened
      }
    }
    this.#ready = false;
    this.#early = [];
    this.#syncing = false;
    this.#syncAgain = false;
    this.#sendReqs.clear();
    for (const e of this.#outbox.values()) this.#clearEntryTimer(e, 'resend');
    for (const [req, r] of this.#inflight) {
      this.#inflight.delete(req);
      if (r.idempotent && !this.#stopped) {
        this.#queued.push(r);
      } else {
        this.#clock.clearTimeout(r.timer);
        r.reject(new ParleyError(ClientError.DISCONNECTED, 'the link dropped before the answer came; it may or may not have happened'));
      }
    }
  }

  #stop(state, error) {
    this.#stopped = true;
    this.#gen++;
    this.#clearTimer('reconnect');
    this.#setState(state, { error });
    for (const w of this.#loginWaiters.splice(0)) w.reject(error);
    for (const r of this.#queued.splice(0)) {
      this.#clock.clearTimeout(r.timer);
      r.reject(error);
    }
  }

  #clearTimer(name) {
    if (this.#timers[name] != null) this.#clock.clearTimeout(this.#timers[name]);
    this.#timers[name] = null;
  }

  // ---- wire

  #nextReq() {
    this.#req = this.#req >= 0x7fffffff ? 1 : this.#req + 1;
    return this.#req;
  }

  #write(frame) {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    try {
      ws.send(frame === null ? '' : JSON.stringify(frame));
    } catch {
      return false;
    }
    this.#lastWrite = this.#clock.now();
    return true;
  }

  #onData(data) {
    this.#clearTimer('pong');
    if (typeof data !== 'string' || data.trim() === '') return; // heartbeat (or a binary frame we never ask for)
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      this.#emit('error', new ParleyError('PROTOCOL_ERROR', 'undecodable frame from the server'));
      return;
    }
    if (!this.#ready && frame.req !== this.#loginReq && !frame.kicked && !frame.goAway) {
      this.#early.push(frame);
      return;
    }
    this.#handle(frame);
  }

  #handle(frame) {
    const req = frame.req || 0;
    const kind = bodyOf(frame);
    const body = frame[kind];
    if (req !== 0 && req === this.#loginReq) {
      this.#onLoginAnswer(kind, body);
      return;
    }
    switch (kind) {
      case 'push':
        for (const m of body.messages || []) this.#accept(toMessage(m), false);
        this.#afterBatch();
        return;
      case 'sendAck':
        this.#sendReqs.delete(req);
        this.#onSendAck(toAck(body));
        return;
      case 'receipt':
        this.#emit('receipt', toReceipt(body));
        return;
      case 'presence':
        this.#emit('presence', toPresence(body));
        return;
      case 'typing':
        this.#emit('typing', { conversation: body.conversation, user: body.user, typing: !!body.typing });
        return;
      case 'kicked':
        this.#onKicked(body);
        return;
      case 'callRing':
        this.#emit('callRing', toRing(body));
        return;
      case 'callStopRinging':
        this.#emit('callStopRinging', { callId: body.callId, reason: enumName('CALL_END_REASON_', body.reason) });
        return;
      case 'signal':
        this.#emit('signal', toSignal(body));
        return;
      case 'roomEvent':
        this.#emit('roomEvent', { room: body.room, kind: enumName('ROOM_EVENT_KIND_', body.kind), participant: toParticipant(body.participant || {}) });
        return;
      case 'callState':
        if (req === 0) {
          this.#emit('callState', toCallState(body));
          return;
        }
        break;
      case 'goAway': {
        const after = num(body.reconnectAfterMs);
        this.#goAwayDelay = after + Math.round(this.#o.random() * Math.max(after, 1_000));
        return;
      }
      default:
        break;
    }
    if (req !== 0 && this.#sendReqs.has(req) && kind === 'error') {
      this.#onSendError(this.#sendReqs.get(req), errorOf(body));
      this.#sendReqs.delete(req);
      return;
    }
    const r = req !== 0 ? this.#inflight.get(req) : null;
    if (r) {
      this.#inflight.delete(req);
      this.#clock.clearTimeout(r.timer);
      if (kind === 'error') r.reject(errorOf(body));
      else r.resolve(body || {});
      return;
    }
    if (kind === 'error') this.#emit('error', errorOf(body));
  }

  #onLoginAnswer(kind, body) {
    this.#clearTimer('connect');
    if (kind !== 'loginOk') {
      const error = kind === 'error' ? errorOf(body) : new ParleyError('PROTOCOL_ERROR', 'unexpected answer to login');
      this.#emit('error', error);
      const fatal = LOGIN_FATAL.has(error.code) || (LOGIN_TOKEN.has(error.code) && typeof this.#tokenSource !== 'function');
      if (fatal) {
        this.#dropLink();
        this.#stop(State.FAILED, error);
      } else {
        this.#linkDown(this.#gen, error);
      }
      return;
    }
    const s = {
      userId: body.userId, sessionId: body.sessionId || '', idleTimeoutMs: num(body.idleTimeoutMs),
      maxHeartbeatIntervalMs: num(body.maxHeartbeatIntervalMs), serverTime: num(body.serverTime),
      maxMessageBytes: num(body.maxMessageBytes),
      iceServers: (body.iceServers || []).map(toIceServer), iceExpiresAt: num(body.iceExpiresAt),
    };
    this.#session = s;
    const gen = this.#gen;
    this.#loadCursors(s.userId).then(() => {
      if (gen === this.#gen && !this.#stopped) this.#online();
    }, (e) => {
      this.#emit('error', new ParleyError('STORE', 'could not read cursors: ' + (e?.message || e)));
      if (gen === this.#gen && !this.#stopped) this.#online();
    });
  }

  async #loadCursors(userId) {
    const key = `cursors:${userId}:${this.#o.deviceId}`;
    if (key === this.#storeKey) return;
    this.#storeKey = key;
    this.#userId = userId;
    this.#receiver.load(null);
    const saved = await this.#o.store.get(key);
    if (this.#storeKey === key) this.#receiver.load(saved?.cursors);
  }

  #online() {
    this.#attempt = 0;
    this.#ready = true;
    this.#synced = false;
    this.#setState(State.ONLINE);
    this.#emit('login', this.#session);
    for (const w of this.#loginWaiters.splice(0)) w.resolve(this.#session);
    this.#scheduleHeartbeat();
    this.#sync();
    for (const e of this.#outbox.values()) this.#transmit(e);
    for (const r of this.#queued.splice(0)) this.#dispatch(r);
    if (this.#presenceUsers.size + this.#presenceGroups.size > 0) {
      this.#request('presenceSubscribe', { users: [...this.#presenceUsers], groups: [...this.#presenceGroups] })
        .then((list) => (list.presences || []).forEach((p) => this.#emit('presence', toPresence(p))), (e) => this.#emit('error', e));
    }
    const early = this.#early.splice(0);
    for (const f of early) this.#handle(f);
  }

  #onKicked(body) {
    const kicked = { reason: enumName('KICK_REASON_', body.reason), message: body.message || '' };
    this.#dropLink();
    this.#stop(State.KICKED, new ParleyError('KICKED', kicked.message || kicked.reason));
    this.#emit('kicked', kicked);
  }

  // ---- heartbeat

  #interval() {
    const max = this.#session?.maxHeartbeatIntervalMs || Infinity;
    return Math.max(1, Math.min(this.#o.heartbeatIntervalMs, max));
  }

  #scheduleHeartbeat() {
    this.#clearTimer('heartbeat');
    const due = this.#lastWrite + this.#interval() - this.#clock.now();
    this.#timers.heartbeat = this.#clock.setTimeout(() => {
      this.#timers.heartbeat = null;
      if (this.#clock.now() - this.#lastWrite >= this.#interval()) this.#heartbeat();
      this.#scheduleHeartbeat();
    }, Math.max(due, 1));
  }

  /** Sends a heartbeat; the server answers every one, so silence past the timeout means a dead link. */
  #heartbeat() {
    if (!this.#write(null) || this.#timers.pong != null) return;
    const gen = this.#gen;
    this.#timers.pong = this.#clock.setTimeout(() => {
      this.#timers.pong = null;
      this.#linkDown(gen, new ParleyError(ClientError.TIMEOUT, 'no answer to a heartbeat'));
    }, this.#o.heartbeatTimeoutMs);
  }

  // ---- receiving

  #accept(m, fromSync) {
    const gap = this.#receiver.accept(m, fromSync, (x) => this.#deliver(x));
    if (gap) this.#sync();
  }

  #deliver(m) {
    this.#emit('message', m);
    if (m.kind === 'recall') this.#emit('recall', { conversation: m.conversation, seq: m.recalledSeq, by: m.sender });
  }

  /** After a push or sync answer: one cumulative Ack for what moved, and the cursors saved soon. */
  #afterBatch() {
    const cursors = this.#receiver.takeDirty();
    if (cursors.length === 0) return;
    this.#write({ ack: { cursors } });
    if (this.#timers.persist == null) {
      this.#timers.persist = this.#clock.setTimeout(() => {
        this.#timers.persist = null;
        this.#persistNow();
      }, this.#o.persistDelayMs);
    }
  }

  async #persistNow() {
    this.#clearTimer('persist');
    if (!this.#storeKey) return;
    try {
      await this.#o.store.set(this.#storeKey, { cursors: this.#receiver.cursors() });
    } catch (e) {
      this.#emit('error', new ParleyError('STORE', 'could not save cursors: ' + (e?.message || e)));
    }
  }

  /** Syncs from the cursors; a sync already under way is followed by another. */
  #sync() {
    if (!this.#ready) return;
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#clearTimer('gap');
    this.#syncing = true;
    this.#syncAgain = false;
    const gen = this.#gen;
    const cursors = Object.entries(this.#receiver.cursors()).map(([conversation, seq]) => ({ conversation, seq: String(seq) }));
    const body = { cursors, limit: this.#o.syncLimit };
    if (this.#o.syncRecent > 0) body.recent = this.#o.syncRecent;
    this.#request('sync', body).then((result) => {
      if (gen !== this.#gen) return;
      this.#syncing = false;
      for (const m of result.messages || []) this.#accept(toMessage(m), true);
      if (!result.more) this.#receiver.startUnknown((x) => this.#deliver(x));
      this.#afterBatch();
      if (result.more || this.#syncAgain) {
        this.#sync();
      } else if (this.#receiver.hasGaps()) {
        // The server had not committed what the held messages follow when it answered: ask again soon.
        this.#timers.gap = this.#clock.setTimeout(() => this.#sync(), this.#o.gapRetryMs);
      } else if (!this.#synced) {
        this.#synced = true;
        this.#emit('synced', { cursors: this.#receiver.cursors() });
      }
    }, (e) => {
      if (gen !== this.#gen) return;
      this.#syncing = false;
      this.#timers.gap = this.#clock.setTimeout(() => this.#sync(), Math.max(e.retryAfterMs || 0, this.#o.gapRetryMs));
    });
  }

  // ---- sending

  /**
   * Queues a message: {to: userId} or {conversation: id}, with text, or custom: {type, data}
   * (data: Uint8Array, string, or an object sent as JSON), optionally clientId. Returns the
   * outgoing message at once: {clientId, conversation (when known), status: 'pending', done}
   * where done is a promise of the SendAck ({conversation, seq, timestamp}); 'sent' and
   * 'failed' events say the same. Sent now when online, else after the next login; resent with
   * the same client id after every reconnect and when no SendAck comes within sendAckTimeoutMs;
   * failed after sendDeadlineMs or when the server refuses it for good.
   */
  send({ to, conversation, text, custom, clientId } = {}) {
    if (!to === !conversation) throw new ParleyError('BAD_REQUEST', 'give exactly one of to and conversation');
    if (!text && !custom) throw new ParleyError('BAD_REQUEST', 'a message needs text or custom');
    const body = { clientId: clientId || uuid() };
    if (to) body.toUser = to;
    else body.conversation = conversation;
    if (custom) {
      if (!custom.type) throw new ParleyError('BAD_REQUEST', 'custom needs a type');
      body.kind = 'MESSAGE_KIND_CUSTOM';
      body.custom = { type: custom.type, data: toBase64(toBytes(custom.data)) };
      if (text) body.text = text;
    } else {
      body.kind = 'MESSAGE_KIND_TEXT';
      body.text = String(text);
    }
    if (this.#outbox.has(body.clientId)) throw new ParleyError('BAD_REQUEST', 'client id already queued: ' + body.clientId);
    return this.#enqueue('send', body, {
      conversation: conversation || (to && this.#userId ? directConversation(this.#userId, to) : null),
      to: to || null, text: body.text || '', custom: custom ? { type: custom.type, data: toBytes(custom.data) } : null,
    });
  }

  /** Recalls one of this user's messages (within the server's recall window); queued and resent like a send. */
  recall(conversation, seq) {
    return this.#enqueue('recall', { clientId: uuid(), conversation, seq: String(seq) }, { conversation, recalledSeq: num(seq) }).done;
  }

  /** Queues again a message that failed, with its client id, so the server stores it at most once. */
  retry(clientId) {
    const old = this.#failed.get(clientId);
    if (!old) throw new ParleyError('NOT_FOUND', 'no failed message ' + clientId);
    this.#failed.delete(clientId);
    return this.#enqueue(old.type, old.body, old.info);
  }

  /** Messages waiting for their SendAck, oldest first. */
  pending() {
    return [...this.#outbox.values()].map((e) => e.out);
  }

  #enqueue(type, body, info) {
    const e = { type, body, info, timers: {}, req: 0, size: contentSize(body) };
    e.out = { clientId: body.clientId, ...info, status: 'pending', createdAt: this.#clock.now(), ack: null, error: null };
    e.out.done = new Promise((resolve, reject) => {
      e.resolve = resolve;
      e.reject = reject;
    });
    e.out.done.catch(() => {}); // the 'failed' event is enough for apps that do not await
    e.timers.deadline = this.#clock.setTimeout(
      () => this.#fail(e, new ParleyError(ClientError.TIMEOUT, `no answer from the server within ${this.#o.sendDeadlineMs} ms`)),
      this.#o.sendDeadlineMs);
    this.#outbox.set(body.clientId, e);
    if (this.#ready) this.#transmit(e);
    return e.out;
  }

  #transmit(e) {
    this.#clearEntryTimer(e, 'resend');
    if (!this.#ready) return;
    const max = this.#session?.maxMessageBytes || 0;
    if (max > 0 && e.size > max) {
      // The server would refuse it; past the frame limit it would even close the connection.
      this.#fail(e, new ParleyError('MESSAGE_TOO_LARGE', `message of ${e.size} bytes exceeds the limit of ${max}`));
      return;
    }
    if (e.req) this.#sendReqs.delete(e.req);
    e.req = this.#nextReq();
    this.#sendReqs.set(e.req, e.body.clientId);
    this.#write({ req: e.req, [e.type]: e.body });
    this.#armResend(e, this.#o.sendAckTimeoutMs);
  }

  #armResend(e, ms) {
    this.#clearEntryTimer(e, 'resend');
    e.timers.resend = this.#clock.setTimeout(() => {
      e.timers.resend = null;
      if (this.#outbox.get(e.body.clientId) === e) this.#transmit(e);
    }, ms);
  }

  #clearEntryTimer(e, name) {
    if (e.timers[name] != null) this.#clock.clearTimeout(e.timers[name]);
    e.timers[name] = null;
  }

  #onSendAck(ack) {
    const e = this.#outbox.get(ack.clientId);
    if (!e) return; // an answer to a resend after the first answer, or after the deadline
    this.#settle(e);
    e.out.status = 'sent';
    e.out.ack = ack;
    e.out.conversation = ack.conversation;
    e.resolve(ack);
    this.#emit('sent', e.out);
    // This device gets a SendAck instead of a push: it holds its own message from now on, so
    // the timeline stays whole without a sync.
    const m = {
      conversation: ack.conversation, seq: ack.seq, sender: this.#userId, clientId: ack.clientId, timestamp: ack.timestamp,
      kind: e.type === 'recall' ? 'recall' : e.body.kind === 'MESSAGE_KIND_CUSTOM' ? 'custom' : 'text',
      text: e.body.text || '', custom: e.out.custom || null, recalledSeq: e.type === 'recall' ? num(e.body.seq) : 0,
      recalled: false, event: '', attributes: {},
    };
    this.#accept(m, false);
    this.#afterBatch();
  }

  #onSendError(clientId, error) {
    const e = this.#outbox.get(clientId);
    if (!e) return;
    if (SEND_RETRY.has(error.code)) {
      this.#armResend(e, Math.max(error.retryAfterMs || 0, error.code === 'RATE_LIMITED' ? 100 : this.#o.sendAckTimeoutMs));
    } else {
      this.#fail(e, error);
    }
  }

  #settle(e) {
    this.#outbox.delete(e.body.clientId);
    this.#clearEntryTimer(e, 'resend');
    this.#clearEntryTimer(e, 'deadline');
    if (e.req) this.#sendReqs.delete(e.req);
  }

  #fail(e, error) {
    if (this.#outbox.get(e.body.clientId) !== e) return;
    this.#settle(e);
    e.out.status = 'failed';
    e.out.error = error;
    this.#failed.set(e.body.clientId, e);
    if (this.#failed.size > 1000) this.#failed.delete(this.#failed.keys().next().value);
    e.reject(error);
    this.#emit('failed', e.out);
  }

  // ---- requests

  /**
   * Sends a request and resolves with its answer's body (rejects with ParleyError). Waits for the
   * connection when offline, up to the timeout. Reads are repeated after a reconnect; other
   * requests that were on the wire when the link dropped reject with DISCONNECTED.
   */
  #request(type, body, { timeoutMs = this.#o.requestTimeoutMs, idempotent = false } = {}) {
    if (this.#stopped && type !== 'logout') {
      return Promise.reject(new ParleyError(ClientError.NOT_LOGGED_IN, 'login() first'));
    }
    return new Promise((resolve, reject) => {
      const r = { type, body, resolve, reject, idempotent, req: 0 };
      r.timer = this.#clock.setTimeout(() => {
        this.#inflight.delete(r.req);
        const i = this.#queued.indexOf(r);
        if (i >= 0) this.#queued.splice(i, 1);
        reject(new ParleyError(ClientError.TIMEOUT, `no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (this.#ready) this.#dispatch(r);
      else this.#queued.push(r);
    });
  }

  #dispatch(r) {
    r.req = this.#nextReq();
    this.#inflight.set(r.req, r);
    this.#write({ req: r.req, [r.type]: r.body });
  }

  #read(type, body) {
    return this.#request(type, body, { idempotent: true });
  }

  /** A page of messages before beforeSeq (default: the newest), ascending: {conversation, messages, more}. */
  async history(conversation, { beforeSeq = 0, limit = 50 } = {}) {
    const r = await this.#read('history', { conversation, beforeSeq: String(beforeSeq), limit });
    return { conversation: r.conversation || conversation, messages: (r.messages || []).map(toMessage), more: !!r.more };
  }

  /** Every conversation of the user, most recent first, with unread counts and read cursors. */
  async conversations() {
    const r = await this.#read('listConversations', {});
    return (r.conversations || []).map(toConversation);
  }

  /** Moves this user's read cursor (never back); the other members get a read receipt. */
  async markRead(conversation, seq) {
    await this.#read('markRead', { conversation, seq: String(seq) });
  }

  /** Tells the other members this user is (or stopped) typing; dropped while offline. */
  typing(conversation, typing = true) {
    if (this.#ready) this.#write({ typing: { conversation, typing } });
  }

  /** Follows users' (or groups' members') presence, also after reconnects; resolves with the current states. */
  async subscribePresence({ users = [], groups = [] } = {}) {
    users.forEach((u) => this.#presenceUsers.add(u));
    groups.forEach((g) => this.#presenceGroups.add(g));
    const r = await this.#read('presenceSubscribe', { users, groups });
    const list = (r.presences || []).map(toPresence);
    list.forEach((p) => this.#emit('presence', p));
    return list;
  }

  async unsubscribePresence(users) {
    users.forEach((u) => this.#presenceUsers.delete(u));
    await this.#read('presenceUnsubscribe', { users });
  }

  /** Creates a group with this user as owner: resolves with the group ({groupId, conversation, name, members, ...}). */
  async createGroup(name, members = []) {
    return toGroup(await this.#request('groupCreate', { name, members }));
  }

  async renameGroup(groupId, name) {
    await this.#read('groupRename', { groupId, name });
  }

  async addMembers(groupId, users) {
    await this.#request('groupAddMembers', { groupId, users });
  }

  async removeMembers(groupId, users) {
    await this.#request('groupRemoveMembers', { groupId, users });
  }

  async leaveGroup(groupId) {
    await this.#request('groupLeave', { groupId });
  }

  /** role: 'member', 'admin' or 'owner' (hands ownership over). */
  async setRole(groupId, user, role) {
    await this.#request('groupSetRole', { groupId, user, role: enumValue('ROLE_', role) });
  }

  async group(groupId) {
    return toGroup(await this.#read('groupGet', { groupId }));
  }

  async groups() {
    const r = await this.#read('groupList', {});
    return (r.groups || []).map(toGroup);
  }

  // ---- calls and rooms (docs/CALLS.md)

  /** Calls a user: resolves with the call's state (status 'ringing', callId) or rejects (BUSY, LIMIT_EXCEEDED, ...). */
  async invite(user, { media = 'video', data = '' } = {}) {
    return toCallState(await this.#request('callInvite', { toUser: user, media: enumValue('CALL_MEDIA_', media), data }));
  }

  /** Answers a ringing call on this device: resolves with its state ('active', polite: true); CALL_STATE if another device was first. */
  async accept(callId) {
    return toCallState(await this.#request('callAccept', { callId }));
  }

  async reject(callId, { busy = false } = {}) {
    await this.#request('callReject', { callId, busy });
  }

  async cancel(callId) {
    await this.#request('callCancel', { callId });
  }

  async hangup(callId) {
    await this.#request('callHangup', { callId });
  }

  /**
   * Relays an offer, answer, candidate or custom JSON to the other party of a call ({callId}) or to
   * one participant of a room ({room, toSession}). Fire and forget, in order; false when offline
   * (a reconnecting call renegotiates after it resumes).
   */
  signal({ callId = '', room = '', toSession = '', kind, payload = null }) {
    if (!this.#ready) return false;
    const body = { kind: enumValue('SIGNAL_KIND_', kind), payload: payload == null ? '' : JSON.stringify(payload) };
    if (callId) body.callId = callId;
    if (room) body.room = room;
    if (toSession) body.toSession = toSession;
    return this.#write({ signal: body });
  }

  /**
   * Joins a room, creating it if needed (docs/CALLS.md, "Room access"): resolves with
   * {room, capacity, participants, sessionId, owner, open}. Whoever creates a room owns it; for a
   * new room `capacity`, `members` (user ids invited besides the creator) and `open` (every user may
   * join) apply, and without members or open it is private. `token`: a join token the app server
   * minted for this user and room. Rejects ROOM_FULL, FORBIDDEN (not invited, bad token).
   */
  async joinRoom(room, { capacity = 0, members = [], open = false, token = '' } = {}) {
    const body = { room, capacity };
    if (members.length) body.members = [...members];
    if (open) body.open = true;
    if (token) body.token = token;
    const r = await this.#request('roomJoin', body);
    return { room: r.room, capacity: num(r.capacity), participants: (r.participants || []).map(toParticipant), sessionId: r.sessionId,
      owner: r.owner || '', open: Boolean(r.open) };
  }

  async leaveRoom(room) {
    await this.#request('roomLeave', { room });
  }
}
