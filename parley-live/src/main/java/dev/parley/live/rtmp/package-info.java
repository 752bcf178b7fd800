/**
 * The RTMP connection after the handshake: its pipeline ({@code RtmpHandlerNames}), control
 * messages, NetConnection and NetStream commands, the publishing and the playing side, and the
 * RTMP viewer. All state of a connection lives on its event loop. Internal to parley-live; the
 * module uses {@link dev.parley.live.rtmp.RtmpPipeline} and {@link dev.parley.live.rtmp.RtmpSettings},
 * the test client and the benchmarks {@link dev.parley.live.rtmp.RtmpMessages}.
 */
package dev.parley.live.rtmp;
