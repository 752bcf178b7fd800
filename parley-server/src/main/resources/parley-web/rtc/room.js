// The room page: a small mesh call; everyone in the room sees everyone.
// window.parleyRoom exposes the client and the mesh for tests and the console.
import { RoomMesh } from '/js/parley-call.js';
import { $, signIn, rtcOptions, localMedia, mediaButtons, params } from './common.js';

const state = { client: null, mesh: null, peers: new Map() };
window.parleyRoom = state;

function tile(sessionId, user, stream) {
  let fig = document.getElementById(`peer-${sessionId}`);
  if (!fig) {
    fig = document.createElement('figure');
    fig.id = `peer-${sessionId}`;
    const v = document.createElement('video');
    v.autoplay = true;
    v.playsInline = true;
    const cap = document.createElement('figcaption');
    cap.textContent = user;
    fig.append(v, cap);
    $('grid').append(fig);
  }
  fig.querySelector('video').srcObject = stream;
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
  mesh.on('peerLeft', ({ sessionId }) => {
    state.peers.delete(sessionId);
    document.getElementById(`peer-${sessionId}`)?.remove();
    $('status').textContent = `${state.peers.size + 1} in the room`;
  });
  mediaButtons(() => stream);
  $('leave').onclick = async () => {
    $('leave').disabled = true;
    await mesh.leave().catch(() => {});
    left(room, stream);
  };
  try {
    const joined = await mesh.join({ capacity: Number(params.get('capacity') || 0) });
    $('status').textContent = `${joined.participants.length} in the room (capacity ${joined.capacity})`;
  } catch (e) {
    $('status').textContent = e.code === 'ROOM_FULL' ? 'the room is full' : `join failed: ${e.message || e.code}`;
  }
}

signIn(start);
