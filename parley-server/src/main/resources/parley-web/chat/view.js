// DOM building for the chat page. Every piece of user text goes in through textContent, never
// as HTML, so a message cannot inject markup.

export const $ = (id) => document.getElementById(id);

/** An element with attributes (class, data-*, ...) and children (nodes or strings). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function time(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  const today = new Date();
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString() ? hm : `${d.toLocaleDateString()} ${hm}`;
}

export function lastSeen(p) {
  if (!p) return '';
  if (p.online) return 'online';
  return p.lastSeen ? `last seen ${time(p.lastSeen)}` : 'offline';
}

const STATE_TEXT = {
  offline: 'offline', connecting: 'connecting…', online: 'online', kicked: 'signed out', failed: 'sign-in refused',
};

/** The connection pill: the SDK's state, with the countdown while waiting to reconnect. */
export function showConnection(s) {
  const pill = $('conn');
  pill.dataset.state = s.state;
  let text = STATE_TEXT[s.state] || s.state;
  if (s.state === 'reconnecting') text = s.retryInMs > 0 ? `reconnecting in ${Math.ceil(s.retryInMs / 1000)} s` : 'reconnecting…';
  pill.textContent = text;
  pill.title = s.error ? s.error.message : '';
}

/** What a message shows as text. */
export function messageText(m) {
  if (m.recalled) return 'message recalled';
  if (m.kind === 'text' || m.kind === 'system') return m.text;
  if (m.kind === 'custom') return m.text || `[${m.custom?.type || 'custom'} message]`;
  if (m.kind === 'recall') return 'recalled a message';
  return m.text || `[${m.kind}]`;
}

/** One conversation in the list. */
export function conversationItem(c, { active, presence, onOpen }) {
  const dot = c.type === 'group' ? 'dot group' : presence?.online ? 'dot online' : 'dot';
  const preview = c.lastMessage ? `${c.type === 'group' && c.lastMessage.sender ? c.lastMessage.sender + ': ' : ''}${messageText(c.lastMessage)}` : '';
  return el('li', { class: active ? 'active' : '', 'data-conversation': c.conversation, 'data-unread': c.unread, onclick: onOpen },
    el('span', { class: dot, title: c.type === 'group' ? 'group' : lastSeen(presence) }),
    el('div', { class: 'body' }, el('div', { class: 'title' }, c.title || c.conversation), el('div', { class: 'preview' }, preview)),
    c.unread > 0 ? el('span', { class: 'badge', title: `${c.unread} unread` }, c.unread > 999 ? '999+' : c.unread) : null);
}

/** One message bubble; status is 'sending', 'failed', 'sent', 'delivered', 'read' or '' (not mine). */
export function messageItem(m, { mine, group, status, statusText, onRetry }) {
  if (m.kind === 'system' || m.kind === 'recall') {
    return el('li', { class: 'msg system', 'data-seq': m.seq }, `${m.kind === 'recall' ? m.sender + ' ' : ''}${messageText(m)}`);
  }
  const cls = ['msg', mine ? 'mine' : '', m.recalled ? 'recalled' : ''].filter(Boolean).join(' ');
  return el('li', { class: cls, 'data-seq': m.seq || null, 'data-client-id': m.clientId || null, 'data-status': status || null },
    group && !mine ? el('div', { class: 'from' }, m.sender) : null,
    el('div', { class: 'text' }, messageText(m)),
    el('div', { class: 'meta' }, time(m.timestamp), mine && statusText ? ` · ${statusText}` : '',
      status === 'failed' && onRetry ? el('button', { type: 'button', class: 'link', onclick: onRetry }, 'retry') : null));
}
