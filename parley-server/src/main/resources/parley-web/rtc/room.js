// The room page: a small mesh call; everyone in the room sees everyone.
// window.parleyRoom exposes the client and the mesh for tests and the console.
import { RoomMesh } from '/js/parley-call.js';
import { $, signIn, rtcOptions, localMedia, mediaButtons, showPeerMedia, params } from './common.js';

const state = { client: null, mesh: null, peers: new Map(), media: new Map() };
window.parleyRoom = state;

function tile(sessionId, user, stream) {
  let fig = document.getElementById(`peer-${sessionId}`);
  if (!fig) {
    fig = document.createElement('figure');
    fig.id = `peer-${sessionId}`;
    const v = document.createElement('video');
    v.autoplay = true;
    v.playsInline = true;
    const off = document.createElement('span');
    off.id = `camera-off-${sessionId}`;
    off.className = 'camera-off';
    off.textContent = 'Camera off';
    const muted = document.createElement('span');
    muted.id = `muted-${sessionId}`;
    muted.className = 'muted-badge';
    muted.textContent = 'Muted';
    const cap = document.createElement('figcaption');
    cap.textContent = user;
    fig.append(v, off, muted, cap);
    $('grid').append(fig);
  }
  fig.querySelector('video').srcObject = stream;
  peerMedia(sessionId);
}

/** The peer's camera and microphone state on its tile (once the tile is there). */
function peerMedia(sessionId) {
  const off = document.getElementById(`camera-off-${sessionId}`);
  if (off) showPeerMedia(off, document.getElementById(`muted-${sessionId}`), state.media.get(sessionId));
}

/** After Leave: no own tile, no buttons, the camera released; a link joins again. */
function left(room, stream) {
  stream.getTracks().forEach((t) => t.stop());
  $('self')?.remove();
  $('room-controls').hidden = true;
  const again = new URLSearchParams(params);
  again.set('room', room);
  again.set('user', $('me').textContent);
  $('rejoin').href = `/room?${again}`;
  $('rejoin').hidden = false;
  $('status').textContent = `you left ${room}`;
}

async function start(client) {
  state.client = client;
  const room = params.get('room') || $('signin-room').value.trim();
  $('room-name').textContent = room;
  const stream = await localMedia();
  const mesh = new RoomMesh(client, room, { localStream: stream, ...rtcOptions() });
  state.mesh = mesh;
  mesh.on('peer', ({ sessionId, user, stream: s }) => {
    state.peers.set(sessionId, user);
    tile(sessionId, user, s);
    $('status').textContent = `${state.peers.size + 1} in the room`;
  });
  mesh.on('peerMedia', ({ sessionId, audio, video }) => {
    state.media.set(sessionId, { audio, video });
    peerMedia(sessionId);
  });
  mesh.on('peerLeft', ({ sessionId }) => {
    state.peers.delete(sessionId);
    state.media.delete(sessionId);
    document.getElementById(`peer-${sessionId}`)?.remove();
    $('status').textContent = `${state.peers.size + 1} in the room`;
  });
  mediaButtons(() => stream, () => mesh.sendMedia());
  $('leave').onclick = async () => {
    $('leave').disabled = true;
    await mesh.leave().catch(() => {});
    left(room, stream);
  };
  // This page makes the rooms it creates open to everyone who knows the name, unless
  // ?members=bob,carol invites only those users or ?private=1 keeps it to its creator; ?token=
  // passes a join token from the app server. Rooms created elsewhere keep their own rules.
  const members = (params.get('members') || '').split(',').map((m) => m.trim()).filter(Boolean);
  const token = params.get('token') || '';
  const open = members.length === 0 && params.get('private') !== '1';
  try {
    const joined = await mesh.join({ capacity: Number(params.get('capacity') || 0), members, open, token });
    const access = joined.open ? 'open' : `private, owner ${joined.owner}`;
    $('status').textContent = `${joined.participants.length} in the room (capacity ${joined.capacity}, ${access})`;
  } catch (e) {
    $('status').textContent = e.code === 'ROOM_FULL' ? 'the room is full'
      : e.code === 'FORBIDDEN' ? 'you are not invited to this room' : `join failed: ${e.message || e.code}`;
  }
}

signIn(start);
