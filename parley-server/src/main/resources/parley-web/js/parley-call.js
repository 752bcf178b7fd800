// Parley calls for browsers: WebRTC peer connections signaled over a ParleyClient (parley.js).
//
// PeerLink runs one RTCPeerConnection with "perfect negotiation" (the WebRTC spec's pattern): both
// sides may offer whenever they need to; when offers cross (glare), the polite side rolls its own
// back and answers, the impolite side ignores the other's offer. In a call the callee is polite;
// in a room the participant already present is polite towards a newcomer. Candidates trickle as
// they are found. ParleyCall wraps a PeerLink for a 1:1 call; RoomMesh keeps one per room peer.
//
//   const call = await ParleyCall.start(client, 'bob', { localStream });      // caller
//   client.on('callRing', async (ring) => {                                     // callee
//     const call = await ParleyCall.answer(client, ring, { localStream });
//     call.on('remoteStream', (s) => (video.srcObject = s));
//   });

/** Tiny event emitter shared by the classes below. */
class Emitter {
  #listeners = new Map();
  on(event, fn) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.#listeners.get(event)?.delete(fn);
  }
  emit(event, value) {
    for (const fn of [...(this.#listeners.get(event) || [])]) {
      try {
        fn(value);
      } catch (e) {
        (globalThis.reportError || console.error)(e);
      }
    }
  }
}

/**
 * One RTCPeerConnection with perfect negotiation and trickle ICE.
 * send(kind, payload) delivers 'offer' | 'answer' | 'candidate' | 'media' to the peer (in order).
 * Events: 'remoteStream' (MediaStream), 'remoteMedia' ({audio, video}: what the peer's microphone
 * and camera send, from its 'media' signals), 'state' (connectionState), 'error'.
 */
export class PeerLink extends Emitter {
  #pc;
  #send;
  #polite;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingAnswer = false;
  #stream = null;
  #localStream;
  #tracksAdded = false;
  #closed = false;
  #remoteMedia = { audio: true, video: true };

  /**
   * @param {object} o
   * @param {(kind: string, payload: any) => void} o.send
   * @param {boolean} o.polite the side that yields on glare
   * @param {RTCConfiguration} o.config iceServers, iceTransportPolicy
   * @param {MediaStream} [o.localStream] tracks to send
   * @param {boolean} [o.offerFirst] add tracks at once (the impolite side offers first); otherwise
   *   they are added when the first remote offer arrives, which saves the polite side a glare round
   */
  constructor({ send, polite, config = {}, localStream = null, offerFirst = !polite, RTCPeerConnection: PC = globalThis.RTCPeerConnection }) {
    super();
    this.#send = send;
    this.#polite = polite;
    this.#localStream = localStream;
    this.#pc = new PC(config);
    const pc = this.#pc;
    pc.onnegotiationneeded = async () => {
      try {
        this.#makingOffer = true;
        await pc.setLocalDescription();
        this.#send('offer', pc.localDescription.toJSON ? pc.localDescription.toJSON() : pc.localDescription);
      } catch (e) {
        this.emit('error', e);
      } finally {
        this.#makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.#send('candidate', candidate.toJSON());
    };
    pc.ontrack = ({ track, streams }) => {
      this.#stream = streams[0] || this.#stream || new MediaStream();
      if (!streams[0]) this.#stream.addTrack(track);
      this.emit('remoteStream', this.#stream);
    };
    pc.onconnectionstatechange = () => this.emit('state', pc.connectionState);
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') pc.restartIce();
    };
    if (offerFirst) this.#addTracks();
  }

  get pc() {
    return this.#pc;
  }

  get polite() {
    return this.#polite;
  }

  #addTracks() {
    if (this.#tracksAdded || !this.#localStream) return;
    this.#tracksAdded = true;
    for (const t of this.#localStream.getTracks()) this.#pc.addTrack(t, this.#localStream);
  }

  /** What the peer's microphone and camera send, as its last 'media' signals said. */
  get remoteMedia() {
    return { ...this.#remoteMedia };
  }

  /** Feeds a signal from the peer: {kind: 'offer' | 'answer' | 'candidate' | 'media', payload}. */
  async receive({ kind, payload }) {
    if (this.#closed) return;
    const pc = this.#pc;
    try {
      if (kind === 'media') {
        this.#remoteMedia = { ...this.#remoteMedia, ...payload };
        this.emit('remoteMedia', this.remoteMedia);
      } else if (kind === 'offer' || kind === 'answer') {
        const description = payload;
        // Perfect negotiation: an offer collides when we are making one or are not stable.
        const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingAnswer);
        const collision = description.type === 'offer' && !readyForOffer;
        this.#ignoreOffer = !this.#polite && collision;
        if (this.#ignoreOffer) return;
        this.#settingAnswer = description.type === 'answer';
        await pc.setRemoteDescription(description); // rolls back our own offer when polite
        this.#settingAnswer = false;
        if (description.type === 'offer') {
          this.#addTracks();
          await pc.setLocalDescription();
          this.#send('answer', pc.localDescription.toJSON ? pc.localDescription.toJSON() : pc.localDescription);
        }
      } else if (kind === 'candidate') {
        try {
          await pc.addIceCandidate(payload || null);
        } catch (e) {
          if (!this.#ignoreOffer) throw e;
        }
      }
    } catch (e) {
      this.emit('error', e);
    }
  }

  /** Restarts ICE (after the peer resumed from a reconnect, or a network change). */
  restartIce() {
    if (!this.#closed) this.#pc.restartIce();
  }

  /** Mutes or unmutes the local tracks of a kind ('audio' | 'video') and tells the peer. */
  setMuted(kind, muted) {
    this.#localStream?.getTracks().filter((t) => t.kind === kind).forEach((t) => (t.enabled = !muted));
    this.sendMedia();
  }

  /**
   * Tells the peer what the local tracks send ({audio, video}): browsers do not signal a disabled
   * track, so this is how the peer knows to show "camera off". Call it after switching tracks.
   */
  sendMedia() {
    if (this.#closed || !this.#localStream) return;
    const on = (kind) => this.#localStream.getTracks().some((t) => t.kind === kind && t.enabled);
    this.#send('media', { audio: on('audio'), video: on('video') });
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#pc.close();
    this.emit('state', 'closed');
  }
}

/**
 * A 1:1 call over a ParleyClient. Events: 'state' (the server's call state: ringing, active, ended
 * with reason), 'remoteStream', 'remoteMedia' ({audio, video} of the peer), 'connection'
 * (RTCPeerConnection connectionState), 'error'.
 */
export class ParleyCall extends Emitter {
  #client;
  #link = null;
  #options;
  #off = [];
  #early = [];
  callId = null;
  state = null;

  constructor(client, options = {}) {
    super();
    this.#client = client;
    this.#options = options;
    this.#off.push(client.on('signal', (s) => {
      if (s.callId !== this.callId || !this.callId) return;
      if (this.#link) this.#link.receive(s);
      else this.#early.push(s);
    }));
    this.#off.push(client.on('callState', (st) => {
      if (st.callId === this.callId) this.#onState(st);
    }));
  }

  /** Calls user; resolves once the invite rings (the call is then in state 'ringing'). */
  static async start(client, user, options = {}) {
    const call = new ParleyCall(client, options);
    try {
      const st = await client.invite(user, { media: options.media || 'video', data: options.data || '' });
      call.callId = st.callId;
      call.#onState(st);
      return call;
    } catch (e) {
      call.#detach();
      throw e;
    }
  }

  /** Accepts a ringing call (a 'callRing' event) on this device. */
  static async answer(client, ring, options = {}) {
    const call = new ParleyCall(client, options);
    call.callId = ring.callId;
    try {
      call.#onState(await client.accept(ring.callId));
      return call;
    } catch (e) {
      call.#detach();
      throw e;
    }
  }

  /** The RTCPeerConnection once the call is answered. */
  get pc() {
    return this.#link?.pc || null;
  }

  #onState(st) {
    this.state = st;
    if (st.status === 'active' && !this.#link) this.#connect(st.polite);
    if (st.status === 'active' && st.restartIce) this.#link?.restartIce();
    if (st.status === 'active' && st.resumed) this.#link?.sendMedia();
    this.emit('state', st);
    if (st.status === 'ended') this.#end();
  }

  #connect(polite) {
    const session = this.#client.session || {};
    const config = { iceServers: this.#options.iceServers || session.iceServers || [] };
    if (this.#options.iceTransportPolicy) config.iceTransportPolicy = this.#options.iceTransportPolicy;
    this.#link = new PeerLink({
      polite, config, localStream: this.#options.localStream || null,
      RTCPeerConnection: this.#options.RTCPeerConnection || globalThis.RTCPeerConnection,
      send: (kind, payload) => this.#client.signal({ callId: this.callId, kind, payload }),
    });
    this.#link.on('remoteStream', (s) => this.emit('remoteStream', s));
    this.#link.on('remoteMedia', (m) => this.emit('remoteMedia', m));
    this.#link.on('state', (s) => this.emit('connection', s));
    this.#link.on('error', (e) => this.emit('error', e));
    this.#link.sendMedia();
    for (const s of this.#early.splice(0)) this.#link.receive(s);
  }

  setMuted(kind, muted) {
    this.#link?.setMuted(kind, muted);
  }

  /** Tells the peer what the local tracks send, after the app switched them itself. */
  sendMedia() {
    this.#link?.sendMedia();
  }

  /**
   * Hangs up (or cancels a ringing call). The server answers with the ENDED state, which ends the
   * call here too; if the request fails (offline, the call is gone) the call ends locally.
   */
  async hangup() {
    if (this.state?.status === 'ended') return;
    try {
      await this.#client.hangup(this.callId);
    } catch (e) {
      if (this.state?.status !== 'ended') {
        this.#onState({ ...this.state, status: 'ended', reason: 'hangup', endedBy: this.#client.userId || '' });
      }
    }
  }

  #end() {
    this.#link?.close();
    this.#detach();
  }

  #detach() {
    this.#off.splice(0).forEach((f) => f());
  }
}

/**
 * A mesh call in a room: one PeerLink per other participant. The newcomer offers to everyone
 * present; those already present are polite. Events: 'peer' ({sessionId, user, stream}),
 * 'peerMedia' ({sessionId, user, audio, video}), 'peerLeft' ({sessionId}), 'error'.
 */
export class RoomMesh extends Emitter {
  #client;
  #options;
  #links = new Map();
  #off = [];
  room;
  sessionId = null;

  constructor(client, room, options = {}) {
    super();
    this.#client = client;
    this.room = room;
    this.#options = options;
  }

  /** Joins the room (options as ParleyClient.joinRoom: capacity, members, open, token). */
  async join({ capacity = 0, members = [], open = false, token = '' } = {}) {
    this.#off.push(this.#client.on('signal', (s) => {
      if (s.room !== this.room) return;
      this.#link(s.fromSession, s.fromUser, true).receive(s);
    }));
    this.#off.push(this.#client.on('roomEvent', (e) => {
      if (e.room !== this.room) return;
      if (e.kind === 'left') this.#drop(e.participant.sessionId);
      // A newcomer offers to us; its link is made when its first signal arrives.
    }));
    const joined = await this.#client.joinRoom(this.room, { capacity, members, open, token });
    this.sessionId = joined.sessionId;
    for (const p of joined.participants) {
      if (p.sessionId !== joined.sessionId) this.#link(p.sessionId, p.user, false);
    }
    return joined;
  }

  #link(sessionId, user, polite) {
    let link = this.#links.get(sessionId);
    if (link) return link;
    const session = this.#client.session || {};
    const config = { iceServers: this.#options.iceServers || session.iceServers || [] };
    if (this.#options.iceTransportPolicy) config.iceTransportPolicy = this.#options.iceTransportPolicy;
    link = new PeerLink({
      polite, config, localStream: this.#options.localStream || null, offerFirst: !polite,
      send: (kind, payload) => this.#client.signal({ room: this.room, toSession: sessionId, kind, payload }),
    });
    link.on('remoteStream', (stream) => this.emit('peer', { sessionId, user, stream }));
    link.on('remoteMedia', (m) => this.emit('peerMedia', { sessionId, user, ...m }));
    link.on('error', (e) => this.emit('error', e));
    this.#links.set(sessionId, link);
    link.sendMedia();
    return link;
  }

  #drop(sessionId) {
    const link = this.#links.get(sessionId);
    if (!link) return;
    link.close();
    this.#links.delete(sessionId);
    this.emit('peerLeft', { sessionId });
  }

  /** The peer connections by participant session. */
  get links() {
    return new Map(this.#links);
  }

  setMuted(kind, muted) {
    for (const l of this.#links.values()) l.setMuted(kind, muted);
  }

  /** Tells every peer what the local tracks send, after the app switched them itself. */
  sendMedia() {
    for (const l of this.#links.values()) l.sendMedia();
  }

  async leave() {
    this.#off.splice(0).forEach((f) => f());
    for (const id of [...this.#links.keys()]) this.#drop(id);
    await this.#client.leaveRoom(this.room);
  }
}
