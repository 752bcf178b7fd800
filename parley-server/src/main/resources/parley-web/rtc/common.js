// Shared by the call and room pages: sign-in with dev login, options from the query string, media.
import { ParleyClient, devLogin, storedDeviceId } from '/js/parley.js';
import { checkUserIdInputs } from '/js/site.js';

export const $ = (id) => document.getElementById(id);
export const params = new URLSearchParams(location.search);

/** RTCPeerConnection options from the query: ?relay=1 (or iceTransportPolicy=relay) forces TURN. */
export function rtcOptions() {
  const policy = params.get('iceTransportPolicy') || (params.get('relay') ? 'relay' : '');
  return policy ? { iceTransportPolicy: policy } : {};
}

/**
 * Wires the sign-in form (or ?user=) to start(client, user). The device id is per tab, so two tabs
 * of one browser are two devices.
 */
export function signIn(start) {
  checkUserIdInputs();
  const go = async (user) => {
    $('signin-error').textContent = '';
    try {
      const deviceId = sessionStorage.getItem('parley:rtc-device') || `${storedDeviceId()}-${Math.random().toString(36).slice(2, 8)}`;
      sessionStorage.setItem('parley:rtc-device', deviceId);
      const client = new ParleyClient({ deviceId });
      await client.login(() => devLogin(user));
      $('signin').hidden = true;
      $('app').hidden = false;
      $('me').textContent = user;
      await start(client, user);
    } catch (e) {
      $('signin-error').textContent = `Sign-in failed: ${e.message || e}`;
    }
  };
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    go($('signin-user').value.trim());
  });
  if (params.get('user')) {
    $('signin-user').value = params.get('user');
    if ($('signin-room') && params.get('room')) $('signin-room').value = params.get('room');
    if (!$('signin-room') || params.get('room')) go(params.get('user'));
  }
}

/**
 * Shows what a peer's camera and microphone send ({audio, video} from its media signals) on the
 * overlays over its video: a "camera off" cover and a "muted" badge.
 */
export function showPeerMedia(cameraOff, muted, { audio = true, video = true } = {}) {
  cameraOff.hidden = video !== false;
  muted.hidden = audio !== false;
}

/** Camera and microphone (the e2e tests run Chromium with fake devices). */
export async function localMedia(video = true) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  $('local').srcObject = stream;
  return stream;
}

/**
 * Mute and camera toggles over the local stream: a track switched off sends silence or black to
 * every peer connection that carries it. While the camera is off, #camera-off covers one's own
 * video. stream() gives the local MediaStream (null before there is one); changed() runs after
 * every toggle, to tell the peers (the browser does not).
 */
export function mediaButtons(stream, changed = () => {}) {
  let mic = false;
  let cam = false;
  const apply = (kind, off) => stream()?.getTracks().filter((t) => t.kind === kind).forEach((t) => { t.enabled = !off; });
  $('mute').onclick = () => {
    mic = !mic;
    apply('audio', mic);
    $('mute').textContent = mic ? 'Unmute' : 'Mute';
    $('mute').setAttribute('aria-pressed', String(mic));
    changed();
  };
  $('camera').onclick = () => {
    cam = !cam;
    apply('video', cam);
    $('camera').textContent = cam ? 'Camera on' : 'Camera off';
    $('camera').setAttribute('aria-pressed', String(cam));
    $('camera-off').hidden = !cam;
    changed();
  };
  return {
    /** Applies the buttons' state to a new stream. */
    sync() {
      apply('audio', mic);
      apply('video', cam);
    },
  };
}
