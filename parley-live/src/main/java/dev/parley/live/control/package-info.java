/**
 * Who may publish and play: loopback and open flags, stream keys, tokens and the on_publish /
 * on_play / on_done HTTP callbacks. Internal to parley-live; used by the RTMP connection and the
 * HTTP playback routes.
 */
package dev.parley.live.control;
