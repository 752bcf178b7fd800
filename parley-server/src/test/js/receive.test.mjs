// Receiving: dedup by seq, order, gap detection and fill, cumulative acks, cursors that persist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, msg } from './fakes.mjs';
import { MemoryStore } from '../../main/resources/parley-web/js/parley.js';

const C = 'u:alice:bob';

describe('receive', () => {
  it('hands each message over once, in order, and acks cumulatively', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.receive({ push: { messages: [msg(C, 1), msg(C, 2)] } });
    ws.receive({ push: { messages: [msg(C, 2), msg(C, 1)] } });
    ws.receive({ push: { messages: [msg(C, 3)] } });
    assert.deepEqual(h.texts(), [`${C}#1`, `${C}#2`, `${C}#3`]);
    const acks = ws.framesOf('ack').map((f) => f.ack.cursors);
    assert.deepEqual(acks, [[{ conversation: C, seq: '2' }], [{ conversation: C, seq: '3' }]],
      'one ack per batch that moved a cursor, none for duplicates');
    const m = h.of('message')[0];
    assert.equal(m.seq, 1);
    assert.equal(m.kind, 'text');
    assert.equal(m.text, 'm1');
    assert.equal(m.timestamp, 1_700_000_000_001);
  });

  it('holds a message ahead of a gap, syncs, and fills the gap in order', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1)] } });
    ws.newFrames();
    ws.receive({ push: { messages: [msg(C, 4)] } });
    assert.deepEqual(h.texts(), [`${C}#1`]);
    const sync = ws.last('sync');
    assert.deepEqual(sync.sync.cursors, [{ conversation: C, seq: '1' }]);
    ws.receive({ push: { messages: [msg(C, 5)] } });
    assert.equal(ws.framesOf('sync').length, 2, 'one sync at a time');
    ws.reply(sync, { syncResult: { messages: [msg(C, 2), msg(C, 3), msg(C, 4)] } });
    await flush();
    assert.deepEqual(h.texts(), [1, 2, 3, 4, 5].map((s) => `${C}#${s}`));
    assert.deepEqual(ws.last('ack').ack.cursors, [{ conversation: C, seq: '5' }]);
  });

  it('syncs again while the server answers with more', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1), msg(C, 2)], more: true } });
    const second = ws.last('sync');
    assert.deepEqual(second.sync.cursors, [{ conversation: C, seq: '2' }]);
    ws.reply(second, { syncResult: { messages: [msg(C, 3)] } });
    await flush();
    assert.deepEqual(h.texts(), [1, 2, 3].map((s) => `${C}#${s}`));
    assert.equal(h.of('synced').length, 1);
  });

  it('starts a conversation new to this device where the server starts it', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const G = 'g:team';
    ws.receive({ push: { messages: [msg(G, 9)] } });
    assert.deepEqual(h.texts(), [], 'seq 9 of an unknown conversation waits for a sync');
    const sync = ws.last('sync');
    assert.deepEqual(sync.sync.cursors, [], 'no cursor: the server starts where this user joined');
    ws.reply(sync, { syncResult: { messages: [msg(G, 7, { kind: 'MESSAGE_KIND_SYSTEM', event: 'group.members_added' }), msg(G, 8), msg(G, 9)] } });
    await flush();
    assert.deepEqual(h.texts(), [7, 8, 9].map((s) => `${G}#${s}`));
    assert.equal(h.of('message')[0].kind, 'system');
  });

  it('starts a new conversation at seq 1 without a sync', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.newFrames();
    ws.receive({ push: { messages: [msg(C, 1)] } });
    assert.deepEqual(h.texts(), [`${C}#1`]);
    assert.equal(ws.framesOf('sync').length, 1, 'only the login sync');
  });

  it('retries a gap the sync could not fill yet', async () => {
    const h = harness({ gapRetryMs: 1000 });
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1)] } });
    ws.receive({ push: { messages: [msg(C, 3)] } });
    ws.reply(ws.last('sync'), { syncResult: {} });
    await flush();
    assert.equal(ws.framesOf('sync').length, 2);
    await h.clock.advance(1000);
    const third = ws.last('sync');
    assert.equal(ws.framesOf('sync').length, 3);
    ws.reply(third, { syncResult: { messages: [msg(C, 2), msg(C, 3)] } });
    await flush();
    assert.deepEqual(h.texts(), [1, 2, 3].map((s) => `${C}#${s}`));
  });

  it('saves cursors and syncs from them on the next login, also in a new client', async () => {
    const store = new MemoryStore();
    const h = harness({ store, persistDelayMs: 100 });
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1), msg(C, 2), msg('g:x', 5)] } });
    await h.clock.advance(100);
    assert.deepEqual(store.get('cursors:alice:dev-1'), { cursors: { [C]: 2, 'g:x': 5 } });
    ws.drop();
    await h.clock.advance(0);
    await flush();
    h.ws().open();
    h.ws().reply(h.ws().last('login'), { loginOk: { userId: 'alice' } });
    await flush();
    assert.deepEqual(h.ws().last('sync').sync.cursors, [{ conversation: C, seq: '2' }, { conversation: 'g:x', seq: '5' }]);

    const h2 = harness({ store });
    h2.client.login('t');
    await flush();
    h2.ws().open();
    h2.ws().reply(h2.ws().last('login'), { loginOk: { userId: 'alice' } });
    await flush();
    assert.deepEqual(h2.ws().last('sync').sync.cursors, [{ conversation: C, seq: '2' }, { conversation: 'g:x', seq: '5' }]);
    h2.ws().reply(h2.ws().last('sync'), { syncResult: { messages: [msg(C, 2), msg(C, 3)] } });
    await flush();
    assert.deepEqual(h2.texts(), [`${C}#3`], 'what was handed over before is not handed over again');
  });

  it('keeps cursors per user and device', async () => {
    const store = new MemoryStore();
    store.set('cursors:bob:dev-1', { cursors: { [C]: 40 } });
    const h = harness({ store });
    h.client.login('t');
    await flush();
    h.ws().open();
    h.ws().reply(h.ws().last('login'), { loginOk: { userId: 'alice' } });
    await flush();
    assert.deepEqual(h.ws().last('sync').sync.cursors, []);
  });

  it('holds pushes that arrive while the cursors load', async () => {
    let release;
    const slow = new MemoryStore();
    const get = slow.get.bind(slow);
    slow.set('cursors:alice:dev-1', { cursors: { [C]: 3 } });
    slow.get = (k) => new Promise((r) => { release = () => r(get(k)); });
    const h = harness({ store: slow });
    h.client.login('t');
    await flush();
    const ws = h.ws();
    ws.open();
    ws.reply(ws.last('login'), { loginOk: { userId: 'alice' } });
    ws.receive({ push: { messages: [msg(C, 3), msg(C, 4)] } });
    assert.deepEqual(h.texts(), []);
    release();
    await flush();
    assert.deepEqual(h.texts(), [`${C}#4`], 'seq 3 was held before: dropped as a duplicate');
  });

  it('passes receipts, presence and typing on', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.receive({ receipt: { conversation: C, user: 'bob', type: 'RECEIPT_TYPE_READ', seq: '7' } });
    ws.receive({ presence: { user: 'bob', online: true } });
    ws.receive({ presence: { user: 'carol', lastSeen: '1700000000000' } });
    ws.receive({ typing: { conversation: C, user: 'bob', typing: true } });
    assert.deepEqual(h.of('receipt'), [{ conversation: C, user: 'bob', type: 'read', seq: 7 }]);
    assert.deepEqual(h.of('presence'), [{ user: 'bob', online: true, lastSeen: 0 }, { user: 'carol', online: false, lastSeen: 1700000000000 }]);
    assert.deepEqual(h.of('typing'), [{ conversation: C, user: 'bob', typing: true }]);
  });

  it('decodes custom messages and announces recalls', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    ws.receive({ push: { messages: [
      msg(C, 1, { kind: 'MESSAGE_KIND_CUSTOM', text: '', custom: { type: 'geo', data: btoa('{"lat":1}') } }),
      msg(C, 2, { kind: 'MESSAGE_KIND_RECALL', text: '', recalledSeq: '1' }),
    ] } });
    const [custom, recall] = h.of('message');
    assert.equal(custom.custom.type, 'geo');
    assert.equal(new TextDecoder().decode(custom.custom.data), '{"lat":1}');
    assert.equal(recall.kind, 'recall');
    assert.deepEqual(h.of('recall'), [{ conversation: C, seq: 1, by: 'bob' }]);
  });

  it('asks for recent messages only when configured', async () => {
    const h = harness({ syncRecent: 20 });
    h.client.login('t');
    const ws = await h.online({ syncResult: null });
    assert.equal(ws.last('sync').sync.recent, 20);
  });
});
