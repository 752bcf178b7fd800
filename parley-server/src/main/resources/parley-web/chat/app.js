// The web chat page: a small app on the Parley JavaScript SDK (/js/parley.js).
import {
  ParleyClient, LocalStorageStore, devLogin, peerOf, storedDeviceId,
} from '/js/parley.js';
import {
  $, el, showConnection, conversationItem, messageItem, lastSeen,
} from './view.js';
import { USER_ID, USER_ID_RULE, checkUserIdInputs } from '/js/site.js';

const TYPING_SEND_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const TYPING_SHOWN_MS = 6_000;

let client = null;
let tokenSource = null;
let me = null;
let current = null;
/** Conversation id to what the page knows of it. */
const convs = new Map();
/** User id to {online, lastSeen}. */
const presence = new Map();
const watched = new Set();
let refreshTimer = null;
let typingSentAt = 0;
let typingStop = null;

// ---- conversations

function entry(id) {
  let c = convs.get(id);
  if (!c) {
    const type = id.startsWith('u:') ? 'direct' : id.startsWith('g:') ? 'group' : 'system';
    c = {
      conversation: id, type, title: type === 'direct' ? peerOf(id, me) : type === 'system' ? 'System' : id.slice(2),
      lastSeq: 0, readSeq: 0, unread: 0, lastMessage: null, peerReadSeq: 0, peerDeliveredSeq: 0, activity: Date.now(),
      readers: new Map(), messages: new Map(), pending: new Map(), typing: new Map(),
      historyLoaded: false, more: false, group: null,
    };
    convs.set(id, c);
  }
  return c;
}

async function refreshConversations() {
  const list = await client.conversations();
  for (const s of list) {
    const c = entry(s.conversation);
    Object.assign(c, {
      type: s.type, title: s.title || c.title, readSeq: Math.max(c.readSeq, s.readSeq), unread: s.unread,
      peerReadSeq: Math.max(c.peerReadSeq, s.peerReadSeq),
    });
    if (s.lastSeq >= c.lastSeq) {
      c.lastSeq = s.lastSeq;
      c.lastMessage = s.lastMessage || c.lastMessage;
      c.activity = s.lastMessage?.timestamp || c.activity;
    }
    if (c.conversation === current && visible()) markRead(c);
  }
  watchPeers(list.filter((s) => s.type === 'direct').map((s) => peerOf(s.conversation, me)));
  renderList();
  if (current) renderChat();
}

/** Refreshes the list soon, once, however many events ask for it. */
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refreshConversations().catch(report);
  }, 300);
}

function watchPeers(users) {
  const fresh = users.filter((u) => u && !watched.has(u));
  if (fresh.length === 0) return;
  fresh.forEach((u) => watched.add(u));
  client.subscribePresence({ users: fresh }).catch(report);
}

const visible = () => document.visibilityState === 'visible';

function markRead(c) {
  if (c.lastSeq <= c.readSeq && c.unread === 0) return;
  const seq = c.lastSeq;
  c.readSeq = Math.max(c.readSeq, seq);
  c.unread = 0;
  if (seq > 0) client.markRead(c.conversation, seq).catch(report);
}

// ---- SDK events

function onMessage(m) {
  const c = entry(m.conversation);
  c.messages.set(m.seq, m);
  if (m.clientId) c.pending.delete(m.clientId);
  if (m.kind === 'recall') {
    const target = c.messages.get(m.recalledSeq);
    if (target) target.recalled = true;
    if (c.lastMessage?.seq === m.recalledSeq) c.lastMessage = { ...c.lastMessage, recalled: true };
  }
  if (m.seq > c.lastSeq) {
    c.lastSeq = m.seq;
    if (m.kind !== 'recall') c.lastMessage = m;
    c.activity = m.timestamp || Date.now();
  }
  if (m.sender !== me && m.kind !== 'recall' && !causedByMe(m) && m.seq > c.readSeq) {
    if (c.conversation === current && visible()) markRead(c);
    else c.unread++;
  }
  if (m.sender && m.sender !== me) c.typing.delete(m.sender);
  if (c.type === 'group' && m.kind === 'system') {
    if (m.attributes?.name) c.title = m.attributes.name;
    if (c.conversation === current) loadGroup(c);
    else refreshSoon();
  }
  if (c.type === 'direct') watchPeers([peerOf(c.conversation, me)]);
  renderList();
  if (c.conversation === current) renderChat();
}

/** A group event this user caused (the server counts it as not unread for them, too). */
function causedByMe(m) {
  if (m.kind !== 'system') return false;
  return (m.event === 'group.member_left' ? m.attributes.user : m.attributes.by) === me;
}

function onReceipt(r) {
  const c = entry(r.conversation);
  if (r.user === me) {
    if (r.type === 'read') {
      c.readSeq = Math.max(c.readSeq, r.seq);
      if (c.readSeq >= c.lastSeq) c.unread = 0;
      else refreshSoon();
      renderList();
    }
    return;
  }
  if (r.type === 'read') {
    if (c.type === 'direct') c.peerReadSeq = Math.max(c.peerReadSeq, r.seq);
    else c.readers.set(r.user, Math.max(c.readers.get(r.user) || 0, r.seq));
  } else if (r.type === 'delivered') {
    c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq, r.seq);
  }
  if (c.conversation === current) renderChat();
}

function onTyping(t) {
  if (t.user === me) return;
  const c = entry(t.conversation);
  clearTimeout(c.typing.get(t.user));
  if (t.typing) {
    c.typing.set(t.user, setTimeout(() => {
      c.typing.delete(t.user);
      if (c.conversation === current) renderTyping();
    }, TYPING_SHOWN_MS));
  } else {
    c.typing.delete(t.user);
  }
  if (c.conversation === current) renderTyping();
}

function onPresence(p) {
  presence.set(p.user, p);
  renderList();
  if (current) renderHeader();
}

function wire(c) {
  // Before anything else of the session: messages held during login are handed over right after.
  c.on('login', (s) => { me = s.userId; });
  c.on('state', (s) => {
    showConnection(s);
    if (s.state === 'online') $('banner').hidden = true;
  });
  c.on('synced', () => refreshConversations().catch(report));
  c.on('message', onMessage);
  c.on('receipt', onReceipt);
  c.on('typing', onTyping);
  c.on('presence', onPresence);
  c.on('sent', () => current && renderChat());
  c.on('failed', () => current && renderChat());
  c.on('kicked', (k) => {
    const text = k.reason === 'replaced' ? 'You signed in somewhere else with this device.' : `Signed out (${k.message || k.reason}).`;
    showBanner(text, 'Reconnect', () => client.login(tokenSource).catch(report));
  });
  c.on('error', (e) => console.warn('parley:', e.code, e.message));
}

function showBanner(text, action, onAction) {
  const b = $('banner');
  b.replaceChildren(text, action ? el('button', { type: 'button', onclick: onAction }, action) : '');
  b.hidden = false;
}

function report(e) {
  console.warn('parley:', e);
  $('chat-error').textContent = e?.message || String(e);
  setTimeout(() => { $('chat-error').textContent = ''; }, 5_000);
}

// ---- opening and rendering

async function open(id) {
  current = id;
  sessionStorage.setItem('parley:open', id);
  $('app').dataset.view = 'chat';
  const c = entry(id);
  renderList();
  renderChat(true);
  $('composer-text').focus();
  if (!c.historyLoaded) await loadOlder(c, true);
  if (c.type === 'group') loadGroup(c);
  if (c.type === 'direct') watchPeers([peerOf(id, me)]);
  if (visible()) markRead(c);
  renderList();
}

async function loadOlder(c, first = false) {
  const seqs = [...c.messages.keys()];
  const before = first || seqs.length === 0 ? 0 : Math.min(...seqs);
  try {
    const page = await client.history(c.conversation, { beforeSeq: before, limit: 50 });
    for (const m of page.messages) if (!c.messages.has(m.seq)) c.messages.set(m.seq, m);
    for (const m of page.messages) if (m.kind === 'recall' && c.messages.has(m.recalledSeq)) c.messages.get(m.recalledSeq).recalled = true;
    c.more = page.more;
    c.historyLoaded = true;
    const last = page.messages[page.messages.length - 1];
    if (last && last.seq > c.lastSeq) {
      c.lastSeq = last.seq;
      c.lastMessage = last;
    }
  } catch (e) {
    // A direct conversation that has no message yet does not exist on the server.
    if (e.code === 'NOT_MEMBER' || e.code === 'NOT_FOUND') c.historyLoaded = true;
    else report(e);
  }
  if (c.conversation === current) renderChat(first);
}

async function loadGroup(c) {
  try {
    c.group = await client.group(c.conversation.slice(2));
    c.title = c.group.name;
    if (!watched.has(c.conversation)) {
      watched.add(c.conversation);
      client.subscribePresence({ groups: [c.group.groupId] }).catch(report);
    }
  } catch (e) {
    c.group = null;
    if (e.code !== 'NOT_MEMBER') report(e);
  }
  renderList();
  if (c.conversation === current) renderHeader();
}

/** Back to the list (the only way there at a phone's width, where one pane shows at a time). */
function closeChat() {
  stopTyping();
  current = null;
  sessionStorage.removeItem('parley:open');
  $('app').dataset.view = 'list';
  for (const id of ['chat-header', 'messages-box', 'composer']) $(id).hidden = true;
  $('typing').textContent = '';
  $('empty').hidden = false;
  renderList();
}

function renderList() {
  const list = [...convs.values()].sort((a, b) => b.activity - a.activity);
  $('conversations').replaceChildren(...list.map((c) => conversationItem(c, {
    active: c.conversation === current,
    presence: c.type === 'direct' ? presence.get(peerOf(c.conversation, me)) : null,
    onOpen: () => open(c.conversation),
  })));
}

function renderHeader() {
  const c = entry(current);
  $('chat-title').textContent = c.title;
  let status = '';
  if (c.type === 'direct') {
    status = lastSeen(presence.get(peerOf(c.conversation, me)));
  } else if (c.type === 'group' && c.group) {
    const online = c.group.members.filter((m) => presence.get(m.user)?.online).length;
    status = `${c.group.members.map((m) => (m.role === 'member' ? m.user : `${m.user} (${m.role})`)).join(', ')} · ${online} online`;
  }
  $('chat-status').textContent = status;
  $('add-members').hidden = c.type !== 'group';
}

function statusOf(c, m) {
  if (c.type === 'direct') {
    if (m.seq <= c.peerReadSeq) return ['read', 'Seen'];
    if (m.seq <= c.peerDeliveredSeq) return ['delivered', 'Delivered'];
  } else if (c.type === 'group') {
    const readers = [...c.readers].filter(([u, seq]) => u !== me && seq >= m.seq).map(([u]) => u);
    if (readers.length > 0) return ['read', `Seen by ${readers.join(', ')}`];
  }
  return ['sent', 'Sent'];
}

function renderChat(scrollToEnd = false) {
  const c = entry(current);
  for (const id of ['chat-header', 'messages-box', 'composer']) $(id).hidden = false;
  $('empty').hidden = true;
  $('composer').hidden = c.type === 'system';
  renderHeader();
  const box = $('messages-box');
  const atEnd = scrollToEnd || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const group = c.type === 'group';
  const items = [...c.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => {
    const mine = m.sender === me;
    const [status, statusText] = mine ? statusOf(c, m) : ['', ''];
    return messageItem(m, { mine, group, status, statusText });
  });
  for (const out of c.pending.values()) {
    const m = { seq: 0, sender: me, clientId: out.clientId, timestamp: out.createdAt, kind: 'text', text: out.text };
    const failed = out.status === 'failed';
    items.push(messageItem(m, {
      mine: true, group, status: failed ? 'failed' : out.status === 'sent' ? 'sent' : 'sending',
      statusText: failed ? `Not sent: ${out.error?.message || 'failed'}` : out.status === 'sent' ? 'Sent' : 'Sending…',
      onRetry: () => {
        c.pending.delete(out.clientId);
        const again = client.retry(out.clientId);
        c.pending.set(again.clientId, again);
        renderChat();
      },
    }));
  }
  $('messages').replaceChildren(...items);
  $('older').hidden = !c.more;
  renderTyping();
  if (atEnd) box.scrollTop = box.scrollHeight;
}

function renderTyping() {
  const c = entry(current);
  const who = [...c.typing.keys()];
  $('typing').textContent = who.length === 0 ? '' : `${who.join(' and ')} ${who.length === 1 ? 'is' : 'are'} typing…`;
}

// ---- user actions

function send(text) {
  const c = entry(current);
  const target = c.type === 'direct' ? { to: peerOf(c.conversation, me) } : { conversation: c.conversation };
  const out = client.send({ ...target, text });
  c.pending.set(out.clientId, out);
  c.activity = Date.now();
  stopTyping();
  renderChat(true);
  renderList();
}

function typed() {
  if (!current || entry(current).type === 'system') return;
  const now = Date.now();
  if (now - typingSentAt > TYPING_SEND_EVERY_MS) {
    client.typing(current, true);
    typingSentAt = now;
  }
  clearTimeout(typingStop);
  typingStop = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingStop);
  if (typingSentAt && current) client.typing(current, false);
  typingSentAt = 0;
}

const users = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

function bindForms() {
  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = $('composer-text');
    const text = input.value.trim();
    if (!text || !current) return;
    input.value = '';
    send(text);
  });
  $('composer-text').addEventListener('input', typed);
  $('composer-text').addEventListener('blur', stopTyping);
  $('older').addEventListener('click', () => loadOlder(entry(current)));
  $('back').addEventListener('click', closeChat);
  $('new-chat').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const user = $('new-chat-user').value.trim();
    if (!USER_ID.test(user) || user === me) {
      report(new Error(user === me ? 'pick another user than yourself' : USER_ID_RULE));
      return;
    }
    $('new-chat-user').value = '';
    const id = user < me ? `u:${user}:${me}` : `u:${me}:${user}`;
    entry(id).activity = Date.now();
    open(id);
  });
  $('new-group').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const g = await client.createGroup($('new-group-name').value.trim(), users($('new-group-members').value));
      $('new-group-name').value = '';
      $('new-group-members').value = '';
      $('new-group-box').open = false;
      const c = entry(g.conversation);
      Object.assign(c, { title: g.name, group: g, activity: Date.now() });
      open(g.conversation);
    } catch (e) {
      report(e);
    }
  });
  $('add-members').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = entry(current);
    try {
      await client.addMembers(c.conversation.slice(2), users($('add-members-users').value));
      $('add-members-users').value = '';
      loadGroup(c);
    } catch (e) {
      report(e);
    }
  });
  $('signout').addEventListener('click', async () => {
    sessionStorage.removeItem('parley:user');
    sessionStorage.removeItem('parley:open');
    await client?.logout().catch(() => {});
    location.reload();
  });
  document.addEventListener('visibilitychange', () => {
    if (visible() && current) {
      markRead(entry(current));
      renderList();
    }
  });
}

// ---- sign in

async function signIn(user, token) {
  $('signin-error').textContent = '';
  $('signin-button').disabled = true;
  $('signin-button').textContent = 'Signing in…';
  try {
    if (token) {
      tokenSource = token;
    } else {
      // The first token now, so a refused dev login shows here; a fresh one on every reconnect.
      let first = await devLogin(user);
      tokenSource = async () => {
        const t = first || (await devLogin(user));
        first = null;
        return t;
      };
    }
    client = new ParleyClient({
      store: new LocalStorageStore(),
      // One device per tab: two tabs of one user are two devices, not one kicking the other.
      deviceId: storedDeviceId(sessionStorage, 'parley:tab-device-id'),
      syncRecent: 50,
    });
    wire(client);
    const session = await client.login(tokenSource);
    me = session.userId;
    sessionStorage.setItem('parley:user', token ? '' : me);
    $('me').textContent = me;
    document.title = `${me} · Parley chat`;
    $('signin').hidden = true;
    $('app').hidden = false;
    await refreshConversations().catch(report);
    const last = sessionStorage.getItem('parley:open');
    if (last) open(last);
  } catch (e) {
    client = null;
    $('signin-error').textContent = e?.code === 'DEV_LOGIN_DISABLED'
      ? 'Dev login is switched off on this server: sign in with a token.'
      : e?.message || String(e);
  } finally {
    $('signin-button').disabled = false;
    $('signin-button').textContent = 'Sign in';
  }
}

function start() {
  checkUserIdInputs();
  $('app').dataset.view = 'list';
  bindForms();
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = $('signin-token').value.trim();
    const user = $('signin-user').value.trim();
    if (!token && !USER_ID.test(user)) {
      $('signin-error').textContent = USER_ID_RULE;
      return;
    }
    signIn(user, token || null);
  });
  const saved = sessionStorage.getItem('parley:user');
  if (saved) signIn(saved, null);
}

start();
