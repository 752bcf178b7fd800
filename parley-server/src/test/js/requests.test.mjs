// The request API, presence subscriptions, typing, stores and helpers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, msg } from './fakes.mjs';
import {
  LocalStorageStore, storedDeviceId, directConversation, peerOf, devLogin, ParleyError,
} from '../../main/resources/parley-web/js/parley.js';

const C = 'u:alice:bob';

describe('requests', () => {
  it('answers history with numbers and messages', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.history(C, { beforeSeq: 10, limit: 2 });
    const f = ws.last('history');
    assert.deepEqual(f.history, { conversation: C, beforeSeq: '10', limit: 2 });
    ws.reply(f, { historyResult: { conversation: C, messages: [msg(C, 8), msg(C, 9)], more: true } });
    const r = await p;
    assert.deepEqual(r.messages.map((m) => m.seq), [8, 9]);
    assert.equal(r.more, true);
  });

  it('maps the conversation list', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.conversations();
    ws.reply(ws.last('listConversations'), { conversationList: { conversations: [
      { conversation: C, type: 'CONVERSATION_TYPE_DIRECT', title: 'bob', lastSeq: '5', readSeq: '3', unread: 2, lastMessage: msg(C, 5), peerReadSeq: '4' },
      { conversation: 'g:t', type: 'CONVERSATION_TYPE_GROUP', title: 'team' },
    ] } });
    const [d, g] = await p;
    assert.deepEqual([d.type, d.lastSeq, d.readSeq, d.unread, d.peerReadSeq, d.lastMessage.text], ['direct', 5, 3, 2, 4, 'm5']);
    assert.deepEqual([g.type, g.unread, g.lastMessage], ['group', 0, null]);
  });

  it('rejects with the server error code', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.renameGroup('g1', 'x');
    ws.reply(ws.last('groupRename'), { error: { code: 'ERROR_CODE_FORBIDDEN', message: 'only the owner or an admin' } });
    await assert.rejects(p, (e) => e instanceof ParleyError && e.code === 'FORBIDDEN');
  });

  it('waits for the connection, then sends', async () => {
    const h = harness();
    h.client.login('t');
    const p = h.client.groups();
    await flush();
    const ws = await h.online();
    ws.reply(ws.last('groupList'), { groupListResult: { groups: [{ groupId: 'g1', conversation: 'g:g1', name: 'team', memberCount: 3 }] } });
    assert.deepEqual((await p).map((g) => [g.groupId, g.memberCount]), [['g1', 3]]);
  });

  it('repeats reads after a reconnect, and rejects changes that may have happened', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const read = h.client.conversations();
    const create = h.client.createGroup('team', ['bob']);
    ws.drop();
    await assert.rejects(create, (e) => e.code === 'DISCONNECTED');
    await h.clock.advance(0);
    const ws2 = await h.online();
    ws2.reply(ws2.last('listConversations'), { conversationList: {} });
    assert.deepEqual(await read, []);
  });

  it('times out', async () => {
    const h = harness({ requestTimeoutMs: 5000 });
    h.client.login('t');
    await h.online();
    const rejected = assert.rejects(h.client.group('g1'), (e) => e.code === 'TIMEOUT');
    await h.clock.advance(4999);
    assert.equal(h.ws().framesOf('groupGet').length, 1);
    await h.clock.advance(1);
    await rejected;
  });

  it('refuses requests before login', async () => {
    const h = harness();
    await assert.rejects(h.client.conversations(), (e) => e.code === 'NOT_LOGGED_IN');
  });

  it('creates groups and maps roles', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.createGroup('team', ['bob', 'carol']);
    assert.deepEqual(ws.last('groupCreate').groupCreate, { name: 'team', members: ['bob', 'carol'] });
    ws.reply(ws.last('groupCreate'), { groupInfo: { groupId: 'g1', conversation: 'g:g1', name: 'team', owner: 'alice',
      members: [{ user: 'alice', role: 'ROLE_OWNER', joinedAt: '5' }, { user: 'bob', role: 'ROLE_MEMBER' }], memberCount: 2 } });
    const g = await p;
    assert.deepEqual(g.members, [{ user: 'alice', role: 'owner', joinedAt: 5 }, { user: 'bob', role: 'member', joinedAt: 0 }]);
    h.client.setRole('g1', 'bob', 'admin').catch(() => {});
    assert.equal(ws.last('groupSetRole').groupSetRole.role, 'ROLE_ADMIN');
  });

  it('marks read', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.markRead(C, 7);
    assert.deepEqual(ws.last('markRead').markRead, { conversation: C, seq: '7' });
    ws.reply(ws.last('markRead'), { ok: {} });
    await p;
  });
});

describe('presence and typing', () => {
  it('subscribes again after a reconnect and reports the states', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.subscribePresence({ users: ['bob'] });
    ws.reply(ws.last('presenceSubscribe'), { presenceList: { presences: [{ user: 'bob', online: true }] } });
    assert.deepEqual(await p, [{ user: 'bob', online: true, lastSeen: 0 }]);
    ws.drop();
    await h.clock.advance(0);
    const ws2 = await h.online();
    const again = ws2.last('presenceSubscribe');
    assert.deepEqual(again.presenceSubscribe, { users: ['bob'], groups: [] });
    ws2.reply(again, { presenceList: { presences: [{ user: 'bob', lastSeen: '99' }] } });
    await flush();
    assert.deepEqual(h.of('presence').pop(), { user: 'bob', online: false, lastSeen: 99 });
  });

  it('sends typing only while online', async () => {
    const h = harness();
    h.client.login('t');
    h.client.typing(C);
    const ws = await h.online();
    assert.equal(ws.framesOf('typing').length, 0);
    h.client.typing(C, false);
    assert.deepEqual(ws.last('typing').typing, { conversation: C, typing: false });
  });
});

describe('helpers', () => {
  class FakeStorage {
    constructor() { this.m = new Map(); }
    getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
    setItem(k, v) { this.m.set(k, String(v)); }
    removeItem(k) { this.m.delete(k); }
  }

  it('keeps values in Web Storage as JSON under a prefix', () => {
    const s = new FakeStorage();
    const store = new LocalStorageStore(s);
    store.set('cursors:a:d', { cursors: { x: 1 } });
    assert.equal(s.getItem('parley:cursors:a:d'), '{"cursors":{"x":1}}');
    assert.deepEqual(store.get('cursors:a:d'), { cursors: { x: 1 } });
    assert.equal(store.get('nothing'), null);
  });

  it('keeps a device id', () => {
    const s = new FakeStorage();
    const id = storedDeviceId(s);
    assert.match(id, /^web-[0-9a-f-]{36}$/);
    assert.equal(storedDeviceId(s), id);
  });

  it('names direct conversations the same from both sides', () => {
    assert.equal(directConversation('bob', 'alice'), 'u:alice:bob');
    assert.equal(directConversation('alice', 'bob'), 'u:alice:bob');
    assert.equal(peerOf('u:alice:bob', 'alice'), 'bob');
    assert.equal(peerOf('u:alice:bob', 'bob'), 'alice');
    assert.equal(peerOf('g:x', 'bob'), null);
  });

  it('dev login posts the user id and returns the token, or the server error', async () => {
    const calls = [];
    const fetch = async (url, init) => {
      calls.push([url, init.method, init.body]);
      const ok = JSON.parse(init.body).userId === 'alice';
      return { ok, status: ok ? 200 : 404, json: async () => (ok ? { token: 'jwt' } : { code: 'DEV_LOGIN_DISABLED', message: 'off' }) };
    };
    assert.equal(await devLogin('alice', { baseUrl: 'http://h', fetch }), 'jwt');
    assert.deepEqual(calls[0], ['http://h/api/v1/dev/login', 'POST', '{"userId":"alice"}']);
    await assert.rejects(devLogin('bob', { fetch }), (e) => e.code === 'DEV_LOGIN_DISABLED');
  });
});
