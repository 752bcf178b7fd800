// The call page: sign in, see contacts online, call, accept or reject, video, mute, hang up.
// window.parleyCall exposes the client and the current call for tests and the console.
import { ParleyCall } from '/js/parley-call.js';
import { $, signIn, rtcOptions, localMedia, mediaButtons, showPeerMedia } from './common.js';

const state = {
  client: null, me: null, call: null, peer: null, ring: null, stream: null, buttons: null, contacts: new Map(), log: [],
};
window.parleyCall = state;

function status(text) {
  $('status').textContent = text;
  state.log.push([Date.now(), text]);
}

function renderContacts() {
  const ul = $('contacts');
  ul.replaceChildren();
  for (const [user, online] of [...state.contacts].sort()) {
    const li = document.createElement('li');
    li.className = online ? 'online' : '';
    li.dataset.user = user;
    const dot = document.createElement('span');
    dot.className = 'dot';
    const name = document.createElement('span');
    name.textContent = user;
    const btn = document.createElement('button');
    btn.textContent = 'Call';
    btn.className = 'call';
    btn.disabled = !!state.call;
    btn.onclick = () => call(user);
    li.append(dot, name, btn);
    ul.append(li);
  }
}

function addContact(user) {
  if (!user || user === state.me || state.contacts.has(user)) return;
  state.contacts.set(user, false);
  const saved = new Set(JSON.parse(localStorage.getItem('parley:contacts') || '[]'));
  saved.add(user);
  localStorage.setItem('parley:contacts', JSON.stringify([...saved]));
  state.client.subscribePresence({ users: [user] }).catch(() => {});
  renderContacts();
}

function showStage(on) {
  $('stage').hidden = !on;
  $('contacts-panel').hidden = on;
  renderContacts();
}

function follow(call, peer) {
  state.call = call;
  state.peer = peer;
  $('peer-name').textContent = peer;
  showStage(true);
  call.on('remoteStream', (s) => {
    $('remote').srcObject = s;
  });
  call.on('remoteMedia', (m) => {
    if (state.call === call) showPeerMedia($('remote-camera-off'), $('remote-muted'), m);
  });
  call.on('connection', (c) => {
    if (state.call === call) status(`connection ${c}`);
  });
  call.on('error', (e) => status(`error: ${e.message || e}`));
  call.on('state', (st) => {
    if (st.status === 'active') status(st.resumed ? `resumed with ${peer}` : `in call with ${peer}`);
    if (st.status === 'ended') ended(st);
  });
}

function ended(st) {
  status(`call ended (${st.reason || 'hangup'})`);
  state.call = null;
  state.peer = null;
  $('remote').srcObject = null;
  showPeerMedia($('remote-camera-off'), $('remote-muted'));
  $('peer-name').textContent = '';
  showStage(false);
}

async function call(user) {
  if (state.call) return;
  status(`calling ${user}…`);
  state.stream = state.stream || await localMedia();
  state.buttons.sync();
  try {
    follow(await ParleyCall.start(state.client, user, { localStream: state.stream, ...rtcOptions() }), user);
    status(`ringing ${user}…`);
  } catch (e) {
    state.call = null;
    showStage(false);
    status(e.code === 'BUSY' ? `${user} is busy` : `call failed: ${e.message || e.code}`);
  }
}

async function accept() {
  const ring = state.ring;
  if (!ring) return;
  state.ring = null;
  $('incoming').hidden = true;
  state.stream = state.stream || await localMedia();
  state.buttons.sync();
  try {
    follow(await ParleyCall.answer(state.client, ring, { localStream: state.stream, ...rtcOptions() }), ring.caller);
  } catch (e) {
    state.call = null;
    showStage(false);
    status(e.code === 'CALL_STATE' ? 'answered on another device' : `accept failed: ${e.message || e.code}`);
  }
}

async function start(client, me) {
  state.client = client;
  state.me = me;
  client.on('state', (e) => {
    $('conn').textContent = e.state;
  });
  $('conn').textContent = client.state;
  client.on('presence', (p) => {
    if (state.contacts.has(p.user)) {
      state.contacts.set(p.user, p.online);
      renderContacts();
    }
  });
  client.on('callRing', (ring) => {
    if (state.call) {
      client.reject(ring.callId, { busy: true }).catch(() => {});
      return;
    }
    state.ring = ring;
    $('incoming-caller').textContent = ring.caller;
    $('incoming').hidden = false;
    addContact(ring.caller);
    status(`${ring.caller} is calling`);
  });
  client.on('callStopRinging', (s) => {
    if (state.ring?.callId === s.callId) {
      state.ring = null;
      $('incoming').hidden = true;
      status(s.reason === 'answered_elsewhere' ? 'answered on another device' : `missed call (${s.reason})`);
    }
  });
  $('accept').onclick = accept;
  $('reject').onclick = () => {
    if (state.ring) client.reject(state.ring.callId).catch(() => {});
    state.ring = null;
    $('incoming').hidden = true;
    status('declined');
  };
  $('hangup').onclick = () => state.call?.hangup().catch(() => {});
  state.buttons = mediaButtons(() => state.stream, () => state.call?.sendMedia());
  $('add-contact').addEventListener('submit', (ev) => {
    ev.preventDefault();
    addContact($('add-contact-user').value.trim());
    $('add-contact-user').value = '';
  });
  for (const u of JSON.parse(localStorage.getItem('parley:contacts') || '[]')) addContact(u);
  const convs = await client.conversations().catch(() => []);
  for (const c of convs) if (c.type === 'direct') addContact(c.title);
  for (const u of (new URLSearchParams(location.search).get('contacts') || '').split(',')) addContact(u.trim());
  status('ready');
}

signIn(start);
