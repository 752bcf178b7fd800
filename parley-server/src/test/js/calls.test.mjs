// The calls API: invite, accept, events, signals, rooms, ICE servers from LoginOk; and the
// perfect-negotiation glare rule of PeerLink.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush } from './fakes.mjs';
import { PeerLink, ParleyCall } from '../../main/resources/parley-web/js/parley-call.js';

const ringing = { callId: 'c1', status: 'CALL_STATUS_RINGING', caller: 'alice', callee: 'bob', media: 'CALL_MEDIA_VIDEO', callerSession: 's1', expiresAt: '2000000' };

describe('calls', () => {
  it('takes ICE servers from LoginOk', async () => {
    const h = harness();
    h.client.login('t');
    await h.online({ loginOk: { iceServers: [{ urls: ['stun:h:3478'] }, { urls: ['turn:h:3478?transport=udp'], username: '9:alice', credential: 'pw' }], iceExpiresAt: '5000' } });
    assert.deepEqual(h.client.session.iceServers, [{ urls: ['stun:h:3478'] }, { urls: ['turn:h:3478?transport=udp'], username: '9:alice', credential: 'pw' }]);
    assert.equal(h.client.session.iceExpiresAt, 5000);
  });

  it('invites, maps the call state, and rejects busy with its code', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.invite('bob', { media: 'audio' });
    const f = ws.last('callInvite');
    assert.deepEqual(f.callInvite, { toUser: 'bob', media: 'CALL_MEDIA_AUDIO', data: '' });
    ws.reply(f, { callState: ringing });
    const st = await p;
    assert.deepEqual([st.callId, st.status, st.media, st.expiresAt, st.reason], ['c1', 'ringing', 'video', 2000000, '']);
    const busy = h.client.invite('carol');
    ws.reply(ws.last('callInvite'), { error: { code: 'ERROR_CODE_BUSY', message: 'carol is in another call' } });
    await assert.rejects(busy, (e) => e.code === 'BUSY');
  });

  it('emits ring, stop-ringing, call state, signals and room events', async () => {
    const h = harness();
    const seen = [];
    for (const e of ['callRing', 'callStopRinging', 'callState', 'signal', 'roomEvent']) h.client.on(e, (v) => seen.push([e, v]));
    h.client.login('t');
    const ws = await h.online({ userId: 'bob' });
    ws.receive({ callRing: { callId: 'c1', caller: 'alice', media: 'CALL_MEDIA_VIDEO', expiresAt: '9', callerSession: 's1' } });
    ws.receive({ callStopRinging: { callId: 'c1', reason: 'CALL_END_REASON_ANSWERED_ELSEWHERE' } });
    ws.receive({ callState: { ...ringing, status: 'CALL_STATUS_ENDED', reason: 'CALL_END_REASON_HANGUP', durationMs: '61000' } });
    ws.receive({ signal: { callId: 'c1', kind: 'SIGNAL_KIND_CANDIDATE', payload: '{"candidate":"x"}', fromUser: 'alice', fromSession: 's1' } });
    ws.receive({ roomEvent: { room: 'r', kind: 'ROOM_EVENT_KIND_LEFT', participant: { user: 'carol', sessionId: 's3' } } });
    assert.deepEqual(seen.map(([e]) => e), ['callRing', 'callStopRinging', 'callState', 'signal', 'roomEvent']);
    assert.equal(seen[0][1].media, 'video');
    assert.equal(seen[1][1].reason, 'answered_elsewhere');
    assert.deepEqual([seen[2][1].status, seen[2][1].reason, seen[2][1].durationMs], ['ended', 'hangup', 61000]);
    assert.deepEqual(seen[3][1].payload, { candidate: 'x' });
    assert.deepEqual([seen[4][1].kind, seen[4][1].participant.user], ['left', 'carol']);
  });

  it('sends signals in order without a req, and not while offline', async () => {
    const h = harness();
    assert.equal(h.client.signal({ callId: 'c1', kind: 'candidate', payload: {} }), false);
    h.client.login('t');
    const ws = await h.online();
    for (let i = 0; i < 3; i++) h.client.signal({ callId: 'c1', kind: 'candidate', payload: { i } });
    h.client.signal({ room: 'r', toSession: 's9', kind: 'offer', payload: { type: 'offer', sdp: 'v=0' } });
    const sent = ws.framesOf('signal');
    assert.deepEqual(sent.map((f) => JSON.parse(f.signal.payload).i ?? f.signal.room), [0, 1, 2, 'r']);
    assert.ok(sent.every((f) => f.req === undefined));
    assert.deepEqual(sent[3].signal, { kind: 'SIGNAL_KIND_OFFER', payload: '{"type":"offer","sdp":"v=0"}', room: 'r', toSession: 's9' });
  });

  it('joins a room', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.joinRoom('standup', { capacity: 4 });
    ws.reply(ws.last('roomJoin'), { roomJoined: { room: 'standup', capacity: 4, sessionId: 's2', participants: [{ user: 'alice', sessionId: 's1', joinedAt: '5' }, { user: 'bob', sessionId: 's2' }] } });
    const r = await p;
    assert.deepEqual([r.capacity, r.sessionId, r.participants.map((x) => x.user), r.participants[0].joinedAt], [4, 's2', ['alice', 'bob'], 5]);
    const full = h.client.joinRoom('x');
    ws.reply(ws.last('roomJoin'), { error: { code: 'ERROR_CODE_ROOM_FULL', message: 'room x is full' } });
    await assert.rejects(full, (e) => e.code === 'ROOM_FULL');
  });

  it('sends a room\'s access rules and join token, and maps its owner', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const p = h.client.joinRoom('team', { members: ['bob', 'carol'], token: 'jt' });
    const f = ws.last('roomJoin');
    assert.deepEqual(f.roomJoin, { room: 'team', capacity: 0, members: ['bob', 'carol'], token: 'jt' });
    ws.reply(f, { roomJoined: { room: 'team', capacity: 8, sessionId: 's1', owner: 'alice', participants: [] } });
    const r = await p;
    assert.deepEqual([r.owner, r.open], ['alice', false]);
    const open = h.client.joinRoom('lobby', { open: true });
    assert.deepEqual(ws.last('roomJoin').roomJoin, { room: 'lobby', capacity: 0, open: true });
    ws.reply(ws.last('roomJoin'), { roomJoined: { room: 'lobby', capacity: 8, sessionId: 's1', owner: 'alice', open: true } });
    assert.equal((await open).open, true);
    const refused = h.client.joinRoom('secret');
    assert.deepEqual(ws.last('roomJoin').roomJoin, { room: 'secret', capacity: 0 });
    ws.reply(ws.last('roomJoin'), { error: { code: 'ERROR_CODE_FORBIDDEN', message: 'room secret is private' } });
    await assert.rejects(refused, (e) => e.code === 'FORBIDDEN');
  });
});

/** Just enough of RTCPeerConnection for the negotiation rule: signaling states and rollback. */
class FakePC {
  constructor() {
    this.signalingState = 'stable';
    this.log = [];
  }
  addTrack() {}
  restartIce() {}
  close() {}
  async setLocalDescription() {
    const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: 'local' };
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(d) {
    if (d.type === 'offer' && this.signalingState === 'have-local-offer') this.log.push('rollback');
    this.log.push('remote ' + d.type);
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async addIceCandidate() {}
}

describe('perfect negotiation', () => {
  function link(polite) {
    const sent = [];
    const l = new PeerLink({ polite, send: (kind, payload) => sent.push([kind, payload?.type]), RTCPeerConnection: FakePC });
    return { l, sent, pc: l.pc };
  }

  it('on glare the polite side rolls back and answers, the impolite side ignores the offer', async () => {
    const impolite = link(false);
    const polite = link(true);
    await impolite.pc.onnegotiationneeded();
    await polite.pc.onnegotiationneeded();
    assert.equal(impolite.pc.signalingState, 'have-local-offer');
    assert.equal(polite.pc.signalingState, 'have-local-offer');
    await impolite.l.receive({ kind: 'offer', payload: { type: 'offer', sdp: 'p' } });
    assert.deepEqual(impolite.pc.log, [], 'the impolite side ignores the colliding offer');
    await polite.l.receive({ kind: 'offer', payload: { type: 'offer', sdp: 'i' } });
    assert.deepEqual(polite.pc.log, ['rollback', 'remote offer']);
    assert.deepEqual(polite.sent.at(-1), ['answer', 'answer']);
    await impolite.l.receive({ kind: 'answer', payload: { type: 'answer', sdp: 'a' } });
    assert.equal(impolite.pc.signalingState, 'stable');
  });

  it('ParleyCall connects as the callee (polite) when accepted and feeds early signals', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ userId: 'bob' });
    const p = ParleyCall.answer(h.client, { callId: 'c1' }, { RTCPeerConnection: FakePC });
    ws.reply(ws.last('callAccept'), { callState: { ...ringing, status: 'CALL_STATUS_ACTIVE', calleeSession: 's2', polite: true } });
    const call = await p;
    assert.equal(call.state.status, 'active');
    ws.receive({ signal: { callId: 'c1', kind: 'SIGNAL_KIND_OFFER', payload: '{"type":"offer","sdp":"o"}', fromUser: 'alice' } });
    await flush();
    assert.equal(call.pc.signalingState, 'stable');
    assert.equal(JSON.parse(ws.last('signal').signal.payload).type, 'answer');
    ws.receive({ callState: { ...ringing, status: 'CALL_STATUS_ENDED', reason: 'CALL_END_REASON_HANGUP' } });
    assert.equal(call.state.reason, 'hangup');
  });
});

describe('camera and microphone state', () => {
  it('ParleyCall tells the peer what its tracks send, once up and on every change, and emits the peer\'s', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online({ userId: 'bob' });
    const tracks = [{ kind: 'audio', enabled: true }, { kind: 'video', enabled: true }];
    const p = ParleyCall.answer(h.client, { callId: 'c1' }, { RTCPeerConnection: FakePC, localStream: { getTracks: () => tracks } });
    ws.reply(ws.last('callAccept'), { callState: { ...ringing, status: 'CALL_STATUS_ACTIVE', calleeSession: 's2', polite: true } });
    const call = await p;
    const media = () => ws.framesOf('signal').filter((f) => f.signal.kind === 'SIGNAL_KIND_MEDIA')
      .map((f) => [f.signal.callId, JSON.parse(f.signal.payload)]);
    assert.deepEqual(media(), [['c1', { audio: true, video: true }]]);
    call.setMuted('video', true);
    assert.equal(tracks[1].enabled, false);
    tracks[0].enabled = false;
    call.sendMedia();
    assert.deepEqual(media().slice(1), [['c1', { audio: true, video: false }], ['c1', { audio: false, video: false }]]);

    const seen = [];
    call.on('remoteMedia', (m) => seen.push(m));
    ws.receive({ signal: { callId: 'c1', kind: 'SIGNAL_KIND_MEDIA', payload: '{"video":false}', fromUser: 'alice' } });
    ws.receive({ signal: { callId: 'c1', kind: 'SIGNAL_KIND_MEDIA', payload: '{"audio":false,"video":true}', fromUser: 'alice' } });
    await flush();
    assert.deepEqual(seen, [{ audio: true, video: false }, { audio: false, video: true }]);
  });
});

describe('hanging up', () => {
  it('ends on the server\'s ENDED state, or locally when the request fails', async () => {
    const h = harness();
    h.client.login('t');
    const ws = await h.online();
    const states = [];
    const p = ParleyCall.start(h.client, 'bob', { RTCPeerConnection: FakePC });
    ws.reply(ws.last('callInvite'), { callState: ringing });
    const call = await p;
    call.on('state', (s) => states.push(s.status));
    const hung = call.hangup();
    ws.reply(ws.last('callHangup'), { ok: {} });
    ws.receive({ callState: { ...ringing, status: 'CALL_STATUS_ENDED', reason: 'CALL_END_REASON_CANCELLED' } });
    await hung;
    assert.deepEqual(states, ['ended']);
    assert.equal(call.state.reason, 'cancelled');

    const p2 = ParleyCall.start(h.client, 'bob', { RTCPeerConnection: FakePC });
    ws.reply(ws.last('callInvite'), { callState: { ...ringing, callId: 'c2' } });
    const call2 = await p2;
    const h2 = call2.hangup();
    ws.reply(ws.last('callHangup'), { error: { code: 'ERROR_CODE_CALL_NOT_FOUND', message: 'no call c2' } });
    await h2;
    assert.equal(call2.state.status, 'ended');
  });
});
