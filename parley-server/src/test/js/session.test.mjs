// Login, heartbeat, reconnect with backoff, Kicked, GoAway and logout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush } from './fakes.mjs';
import { State } from '../../main/resources/parley-web/js/parley.js';

describe('login', () => {
  it('sends Login with the protocol version, token and device, and is online after LoginOk', async () => {
    const h = harness();
    const done = h.client.login('tok-1');
    assert.equal(h.client.state, State.CONNECTING);
    await flush();
    h.ws().open();
    const login = h.ws().last('login');
    assert.deepEqual(
      { v: login.login.protocolVersion, t: login.login.token, d: login.login.deviceId, p: login.login.platform },
      { v: 1, t: 'tok-1', d: 'dev-1', p: 'PLATFORM_WEB' });
    assert.ok(login.req > 0);
    h.ws().reply(login, { loginOk: { userId: 'alice', sessionId: 'x', maxHeartbeatIntervalMs: 240000, serverTime: '1795239978495' } });
    const session = await done;
    assert.equal(session.userId, 'alice');
    assert.equal(session.serverTime, 1795239978495);
    assert.equal(h.client.state, State.ONLINE);
    assert.equal(h.client.userId, 'alice');
    assert.ok(h.ws().last('sync'), 'syncs right after login');
  });

  it('calls a token function on every connect', async () => {
    let calls = 0;
    const h = harness();
    h.client.login(async () => `tok-${++calls}`);
    await h.online();
    h.ws().drop();
    await h.clock.advance(0);
    await flush();
    h.ws().open();
    assert.equal(h.ws().last('login').login.token, 'tok-2');
  });

  it('stops for good when a fixed token is refused', async () => {
    const h = harness();
    const done = h.client.login('bad');
    await flush();
    h.ws().open();
    h.ws().reply(h.ws().last('login'), { error: { code: 'ERROR_CODE_INVALID_TOKEN', message: 'bad signature' } });
    await assert.rejects(done, (e) => e.code === 'INVALID_TOKEN');
    assert.equal(h.client.state, State.FAILED);
    await h.clock.advance(600_000);
    assert.equal(h.sockets(), 1, 'no reconnect after a refused token');
  });

  it('retries a refused login with a fresh token from a token function', async () => {
    let calls = 0;
    const h = harness();
    h.client.login(() => `tok-${++calls}`);
    await flush();
    h.ws().open();
    h.ws().reply(h.ws().last('login'), { error: { code: 'ERROR_CODE_TOKEN_EXPIRED' } });
    await h.clock.advance(0);
    h.ws().open();
    assert.equal(h.ws().last('login').login.token, 'tok-2');
  });

  it('gives up on a socket that does not log in within the connect timeout', async () => {
    const h = harness({ connectTimeoutMs: 5_000 });
    h.client.login('t');
    await flush();
    await h.clock.advance(4_999);
    assert.equal(h.client.state, State.CONNECTING);
    await h.clock.advance(1);
    assert.equal(h.client.state, State.CONNECTING, 'the first retry is immediate');
    assert.equal(h.sockets(), 2);
    assert.ok(h.of('state').some((s) => s.state === State.RECONNECTING && s.error.code === 'TIMEOUT'));
  });
});

describe('connect deadline', () => {
  it('covers a token function that never answers', async () => {
    const h = harness({ connectTimeoutMs: 5_000, random: () => 0 });
    let calls = 0;
    h.client.login(() => (++calls === 1 ? new Promise(() => {}) : 'tok'));
    await h.clock.advance(5_000);
    assert.equal(calls, 2, 'given up on the first token, asked again at once');
    assert.equal(h.sockets(), 1);
    h.ws().open();
    assert.equal(h.ws().last('login').login.token, 'tok');
  });
});

describe('heartbeat', () => {
  it('sends an empty frame after the interval without writes, and the answer keeps the link', async () => {
    const h = harness({ heartbeatIntervalMs: 30_000, heartbeatTimeoutMs: 10_000 });
    h.client.login('t');
    const ws = await h.online();
    ws.newFrames();
    await h.clock.advance(29_000);
    assert.deepEqual(ws.newFrames(), []);
    await h.clock.advance(1_000);
    assert.deepEqual(ws.newFrames(), [null]);
    ws.receive(null);
    await h.clock.advance(30_000);
    assert.deepEqual(ws.newFrames(), [null]);
    ws.receive(null);
    assert.equal(h.client.state, State.ONLINE);
    assert.equal(h.sockets(), 1);
  });

  it('treats a heartbeat without answer as a dead link and reconnects at once', async () => {
    const h = harness({ heartbeatIntervalMs: 30_000, heartbeatTimeoutMs: 10_000 });
    h.client.login('t');
    const ws = await h.online();
    await h.clock.advance(30_000 + 9_999);
    assert.equal(h.client.state, State.ONLINE);
    await h.clock.advance(1);
    assert.ok(ws.closedByClient);
    assert.equal(h.sockets(), 2, 'reconnected without waiting for the close');
  });

  it('never waits longer than the server allows', async () => {
    const h = harness({ heartbeatIntervalMs: 300_000 });
    h.client.login('t');
    const ws = await h.online({ loginOk: { maxHeartbeatIntervalMs: 20_000 } });
    ws.newFrames();
    await h.clock.advance(20_000);
    assert.deepEqual(ws.newFrames(), [null]);
  });

  it('counts any write as activity', async () => {
    const h = harness({ heartbeatIntervalMs: 30_000 });
    h.client.login('t');
    const ws = await h.online();
    await h.clock.advance(20_000);
    h.client.typing('u:alice:bob');
    ws.newFrames();
    await h.clock.advance(20_000);
    assert.deepEqual(ws.newFrames(), [], 'the typing frame moved the next heartbeat');
    await h.clock.advance(10_000);
    assert.deepEqual(ws.newFrames(), [null]);
  });
});

describe('reconnect', () => {
  /** Lets every attempt fail at once and records the delays the SDK chose. */
  async function delays(h, n) {
    const out = [];
    for (let i = 0; i < n; i++) {
      await flush();
      h.ws().drop();
      const s = h.of('state').filter((x) => x.state === State.RECONNECTING).pop();
      out.push(s.retryInMs);
      await h.clock.advance(s.retryInMs);
    }
    return out;
  }

  it('tries at once, then backs off exponentially up to the cap', async () => {
    const h = harness({ random: () => 0 });
    h.client.login('t');
    assert.deepEqual(await delays(h, 9), [0, 2000, 4000, 8000, 16000, 32000, 64000, 64000, 64000]);
  });

  it('spreads attempts with jitter of up to half the delay', async () => {
    const h = harness({ random: () => 0.999 });
    h.client.login('t');
    const d = await delays(h, 5);
    assert.deepEqual(d, [0, 1001, 2002, 4004, 8008]);
  });

  it('starts over after a successful login', async () => {
    const h = harness({ random: () => 0 });
    h.client.login('t');
    await delays(h, 4);
    await h.online();
    assert.deepEqual(await delays(h, 3), [0, 2000, 4000]);
  });

  it('reconnectNow skips the wait', async () => {
    const h = harness({ random: () => 0 });
    h.client.login('t');
    await delays(h, 3);
    h.ws().drop();
    assert.equal(h.client.state, State.RECONNECTING);
    const before = h.sockets();
    h.client.reconnectNow();
    await flush();
    assert.equal(h.sockets(), before + 1);
  });

  it('honours GoAway: waits the time the server asked plus jitter', async () => {
    const h = harness({ random: () => 0.5 });
    h.client.login('t');
    const ws = await h.online();
    ws.receive({ goAway: { reconnectAfterMs: 3000, message: 'restarting' } });
    ws.drop(1001);
    const s = h.of('state').pop();
    assert.equal(s.state, State.RECONNECTING);
    assert.equal(s.retryInMs, 3000 + 1500);
    await h.clock.advance(4_499);
    assert.equal(h.sockets(), 1);
    await h.clock.advance(1);
    assert.equal(h.sockets(), 2);
  });

  it('never reconnects after Kicked', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.receive({ kicked: { reason: 'KICK_REASON_REPLACED', message: 'logged in elsewhere' } });
    ws.drop(1000);
    assert.equal(h.client.state, State.KICKED);
    assert.deepEqual(h.of('kicked'), [{ reason: 'replaced', message: 'logged in elsewhere' }]);
    await h.clock.advance(3_600_000);
    assert.equal(h.sockets(), 1);
    h.client.reconnectNow();
    await flush();
    assert.equal(h.sockets(), 1, 'reconnectNow does not undo a kick');
  });

  it('never reconnects after logout, and fails what is still queued', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const out = h.client.send({ to: 'bob', text: 'hi' });
    const bye = h.client.logout();
    await flush();
    ws.reply(ws.last('logout'), { ok: {} });
    ws.drop(1000);
    await bye;
    assert.equal(h.client.state, State.OFFLINE);
    await assert.rejects(out.done, (e) => e.code === 'LOGGED_OUT');
    await h.clock.advance(3_600_000);
    assert.equal(h.sockets(), 1);
  });

  it('can log in again after logout', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const bye = h.client.logout();
    await flush();
    ws.reply(ws.last('logout'), { ok: {} });
    await bye;
    const again = h.client.login('t2');
    await h.online();
    assert.equal((await again).userId, 'alice');
  });
});

describe('robustness', () => {
  it('logs out without the server answering, after a short wait', async () => {
    const h = harness();
    h.client.login('t');
    await h.online();
    const bye = h.client.logout();
    await h.clock.advance(2_000);
    await bye;
    assert.equal(h.client.state, State.OFFLINE);
    await h.clock.advance(600_000);
    assert.equal(h.sockets(), 1);
  });

  it('waits at least as long as a rate-limited login is told to', async () => {
    const h = harness({ random: () => 0 });
    h.client.login(() => 't');
    await flush();
    h.ws().open();
    h.ws().reply(h.ws().last('login'), { error: { code: 'ERROR_CODE_RATE_LIMITED', retryAfterMs: 7_000 } });
    assert.equal(h.of('state').pop().retryInMs, 7_000);
  });

  it('reports a frame that is not JSON and keeps going', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.onmessage({ data: '{nope' });
    ws.receive({ push: { messages: [{ conversation: 'u:alice:bob', seq: '1', text: 'x' }] } });
    assert.equal(h.of('error')[0].code, 'PROTOCOL_ERROR');
    assert.equal(h.of('message').length, 1);
  });

  it('keeps its books when an app listener throws', async () => {
    const reported = [];
    const saved = globalThis.reportError;
    globalThis.reportError = (e) => reported.push(e.message);
    try {
      const h = harness();
      h.client.on('message', () => { throw new Error('app bug'); });
      h.client.login('t');
      const ws = await h.online();
      ws.receive({ push: { messages: [{ conversation: 'u:alice:bob', seq: '1' }, { conversation: 'u:alice:bob', seq: '2' }] } });
      assert.deepEqual(reported, ['app bug', 'app bug']);
      assert.deepEqual(ws.last('ack').ack.cursors, [{ conversation: 'u:alice:bob', seq: '2' }]);
    } finally {
      globalThis.reportError = saved;
    }
  });

  it('rejects waiting requests when kicked', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.drop();
    const pending = h.client.conversations();
    await h.clock.advance(0);
    assert.equal(h.sockets(), 2);
    h.ws().open();
    h.ws().receive({ kicked: { reason: 'KICK_REASON_ADMIN' } });
    await assert.rejects(pending, (e) => e.code === 'KICKED');
    assert.equal(h.client.state, State.KICKED);
  });

  it('refuses a second login while one is active', () => {
    const h = harness();
    h.client.login('t');
    assert.throws(() => h.client.login('t'), (e) => e.code === 'ALREADY_LOGGED_IN');
  });
});
