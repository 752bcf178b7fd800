/**
 * The HTTP surface: the player page and its scripts, the playback routes (HTTP-FLV, HLS), the
 * public stream list and the admin streams and token API. Internal to parley-live.
 */
package dev.parley.live.web;
