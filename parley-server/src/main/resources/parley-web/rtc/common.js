// Shared by the call and room pages: sign-in with dev login, options from the query string, media.
import { ParleyClient, devLogin, storedDeviceId } from '/js/parley.js';

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

/** Camera and microphone (the e2e tests run Chromium with fake devices). */
export async function localMedia(video = true) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  $('local').srcObject = stream;
  return stream;
}

/** Mute and camera toggles over a setMuted(kind, muted) target. */
export function mediaButtons(target) {
  let mic = false;
  let cam = false;
  $('mute').onclick = () => {
    mic = !mic;
    target().setMuted('audio', mic);
    $('mute').textContent = mic ? 'Unmute' : 'Mute';
  };
  $('camera').onclick = () => {
    cam = !cam;
    target().setMuted('video', cam);
    $('camera').textContent = cam ? 'Camera on' : 'Camera off';
  };
}
