// Test doubles for the SDK: a clock that moves only when told, a WebSocket that records what the
// SDK writes and lets the test play the server, and a harness that wires both to a client.
import assert from 'node:assert/strict';
import { ParleyClient, MemoryStore } from '../../main/resources/parley-web/js/parley.js';

/** Lets pending promise callbacks run (the SDK awaits tokens and stores). */
export async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.timers = new Map();
    this.nextId = 1;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.timers.set(id, { fn, due: this.t + Math.max(0, ms || 0), id });
    return id;
  }
  clearTimeout(id) {
    this.timers.delete(id);
  }
  /** Runs every timer due within ms, in order, letting promises settle after each. */
  async advance(ms) {
    const end = this.t + ms;
    await flush();
    for (;;) {
      let next = null;
      for (const t of this.timers.values()) if (t.due <= end && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      if (!next) break;
      this.timers.delete(next.id);
      this.t = next.due;
      next.fn();
      await flush();
    }
    this.t = end;
  }
  /** Delays of the pending timers, shortest first. */
  pending() {
    return [...this.timers.values()].map((t) => t.due - this.t).sort((a, b) => a - b);
  }
}

export class FakeWebSocket {
  static instances = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.read = 0;
    this.closedByClient = false;
    FakeWebSocket.instances.push(this);
  }
  send(text) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(text);
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // ---- the server's side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** Frames the client wrote (heartbeats as null). */
  frames() {
    return this.sent.map((s) => (s === '' ? null : JSON.parse(s)));
  }
  /** Frames written since the last call (heartbeats as null). */
  newFrames() {
    const out = this.frames().slice(this.read);
    this.read = this.sent.length;
    return out;
  }
  /** The frames with body kind among all written ones. */
  framesOf(kind) {
    return this.frames().filter((f) => f && f[kind] !== undefined);
  }
  /** The last frame with body kind; fails when there is none. */
  last(kind) {
    const all = this.framesOf(kind);
    assert.ok(all.length > 0, `no ${kind} frame written; wrote ${JSON.stringify(this.frames())}`);
    return all[all.length - 1];
  }
  receive(frame) {
    this.onmessage?.({ data: frame === null ? '' : JSON.stringify(frame) });
  }
  reply(request, body) {
    this.receive({ req: request.req, ...body });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

/** A client on a fake socket and clock. */
export function harness(options = {}) {
  FakeWebSocket.instances = [];
  const clock = new FakeClock();
  const store = options.store || new MemoryStore();
  const client = new ParleyClient({
    url: 'ws://test/im', deviceId: 'dev-1', WebSocket: FakeWebSocket, clock, store, random: () => 0.5,
    networkEvents: false, ...options,
  });
  const events = [];
  for (const e of ['state', 'message', 'receipt', 'presence', 'typing', 'kicked', 'sent', 'failed', 'recall', 'synced', 'login', 'error']) {
    client.on(e, (v) => events.push([e, v]));
  }
  const h = {
    client, clock, store, events,
    ws: () => FakeWebSocket.instances[FakeWebSocket.instances.length - 1],
    sockets: () => FakeWebSocket.instances.length,
    of: (name) => events.filter(([e]) => e === name).map(([, v]) => v),
    texts: () => events.filter(([e]) => e === 'message').map(([, m]) => `${m.conversation}#${m.seq}`),
    /** Opens the newest socket and answers its login; answers the first sync with syncResult. */
    async online({ userId = 'alice', syncResult = {}, loginOk = {} } = {}) {
      await flush();
      const ws = h.ws();
      ws.open();
      ws.reply(ws.last('login'), { loginOk: { userId, sessionId: 's1', idleTimeoutMs: 360000, maxHeartbeatIntervalMs: 240000, maxMessageBytes: 65536, ...loginOk } });
      await flush();
      if (syncResult !== null) ws.reply(ws.last('sync'), { syncResult });
      await flush();
      return ws;
    },
  };
  return h;
}

export const msg = (conversation, seq, extra = {}) => ({
  conversation, seq: String(seq), sender: 'bob', clientId: `b-${seq}`, timestamp: String(1_700_000_000_000 + seq),
  kind: 'MESSAGE_KIND_TEXT', text: `m${seq}`, ...extra,
});
