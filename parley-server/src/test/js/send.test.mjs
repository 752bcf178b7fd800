// The send queue: client ids, resend on timeout and after reconnect, sent and failed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, msg } from './fakes.mjs';

const C = 'u:alice:bob';
const ack = (send, seq, extra = {}) => ({ sendAck: { clientId: send.send.clientId, conversation: C, seq: String(seq), timestamp: '1700000000000', ...extra } });

describe('send', () => {
  it('sends with a client id, resolves on SendAck and hands the own message over in order', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1)] } });
    const out = h.client.send({ to: 'bob', text: 'hello' });
    assert.equal(out.status, 'pending');
    assert.equal(out.conversation, C);
    const f = ws.last('send');
    assert.deepEqual(f.send, { clientId: out.clientId, toUser: 'bob', kind: 'MESSAGE_KIND_TEXT', text: 'hello' });
    ws.reply(f, ack(f, 2));
    const a = await out.done;
    assert.equal(a.seq, 2);
    assert.equal(out.status, 'sent');
    assert.deepEqual(h.of('sent').map((o) => o.clientId), [out.clientId]);
    const mine = h.of('message').pop();
    assert.deepEqual([mine.seq, mine.sender, mine.clientId, mine.text], [2, 'alice', out.clientId, 'hello']);
    assert.deepEqual(ws.last('ack').ack.cursors, [{ conversation: C, seq: '2' }]);
  });

  it('queues while offline and sends after login', async () => {
    const h = harness();
    const out = h.client.send({ conversation: 'g:team', text: 'early' });
    h.client.login('t');
    const ws = await h.online();
    assert.equal(ws.last('send').send.clientId, out.clientId);
  });

  it('resends with the same client id when no SendAck comes in time', async () => {
    const h = harness({ sendAckTimeoutMs: 10_000 });
    h.client.login('t');
    const ws = await h.online();
    const out = h.client.send({ to: 'bob', text: 'x' });
    await h.clock.advance(9_999);
    assert.equal(ws.framesOf('send').length, 1);
    await h.clock.advance(1);
    const sends = ws.framesOf('send');
    assert.equal(sends.length, 2);
    assert.equal(sends[1].send.clientId, out.clientId);
    assert.notEqual(sends[1].req, sends[0].req);
    ws.reply(sends[0], ack(sends[0], 1));
    ws.reply(sends[1], ack(sends[1], 1, { duplicate: true }));
    await flush();
    assert.equal(h.of('sent').length, 1, 'sent once though answered twice');
    assert.equal(h.of('message').length, 1);
    await h.clock.advance(60_000);
    assert.equal(ws.framesOf('send').length, 2, 'no resends after the answer');
  });

  it('resends after a reconnect, in the order the app sent', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const a = h.client.send({ to: 'bob', text: 'a' });
    const b = h.client.send({ to: 'bob', text: 'b' });
    ws.drop();
    await h.clock.advance(0);
    const ws2 = await h.online();
    assert.deepEqual(ws2.framesOf('send').map((f) => f.send.clientId), [a.clientId, b.clientId]);
    assert.equal(h.client.pending().length, 2);
  });

  it('fails after the deadline, and retry() queues it again with its client id', async () => {
    const h = harness({ sendDeadlineMs: 30_000 });
    h.client.login('t');
    await h.online();
    h.ws().drop();
    const out = h.client.send({ to: 'bob', text: 'lost?' });
    await h.clock.advance(30_000);
    await assert.rejects(out.done, (e) => e.code === 'TIMEOUT');
    assert.equal(out.status, 'failed');
    assert.deepEqual(h.of('failed').map((o) => o.clientId), [out.clientId]);
    assert.deepEqual(h.client.pending(), []);
    const again = h.client.retry(out.clientId);
    assert.equal(again.clientId, out.clientId);
    assert.equal(h.client.pending().length, 1);
  });

  it('fails at once when the server refuses for good', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const out = h.client.send({ to: 'bob', text: 'x'.repeat(10) });
    ws.reply(ws.last('send'), { error: { code: 'ERROR_CODE_MESSAGE_TOO_LARGE', message: 'too big' } });
    await assert.rejects(out.done, (e) => e.code === 'MESSAGE_TOO_LARGE' && e.message === 'too big');
  });

  it('fails a message over the server\'s size limit without sending it', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ loginOk: { maxMessageBytes: 10 } });
    const fits = h.client.send({ to: 'bob', text: 'ééééé' });
    const big = h.client.send({ to: 'bob', text: 'éééééé' });
    const custom = h.client.send({ to: 'bob', custom: { type: 'abcd', data: new Uint8Array(7) } });
    await assert.rejects(big.done, (e) => e.code === 'MESSAGE_TOO_LARGE');
    await assert.rejects(custom.done, (e) => e.code === 'MESSAGE_TOO_LARGE');
    assert.deepEqual(ws.framesOf('send').map((f) => f.send.clientId), [fits.clientId]);
  });

  it('waits out a rate limit and sends again', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const out = h.client.send({ to: 'bob', text: 'x' });
    ws.reply(ws.last('send'), { error: { code: 'ERROR_CODE_RATE_LIMITED', retryAfterMs: 300 } });
    await h.clock.advance(299);
    assert.equal(ws.framesOf('send').length, 1);
    await h.clock.advance(1);
    assert.equal(ws.framesOf('send').length, 2);
    assert.equal(ws.last('send').send.clientId, out.clientId);
  });

  it('encodes custom data as base64', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    h.client.send({ to: 'bob', custom: { type: 'geo', data: { lat: 1 } } });
    const f = ws.last('send').send;
    assert.equal(f.kind, 'MESSAGE_KIND_CUSTOM');
    assert.equal(atob(f.custom.data), '{"lat":1}');
  });

  it('refuses a message without target or content', () => {
    const h = harness();
    assert.throws(() => h.client.send({ text: 'x' }), /exactly one of to and conversation/);
    assert.throws(() => h.client.send({ to: 'bob' }), /text or custom/);
  });

  it('recalls through the queue and hands the recall over', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ syncResult: { messages: [msg(C, 1, { sender: 'alice' })] } });
    const done = h.client.recall(C, 1);
    const f = ws.last('recall');
    assert.equal(f.recall.seq, '1');
    ws.reply(f, { sendAck: { clientId: f.recall.clientId, conversation: C, seq: '2' } });
    assert.equal((await done).seq, 2);
    assert.deepEqual(h.of('recall'), [{ conversation: C, seq: 1, by: 'alice' }]);
  });
});
