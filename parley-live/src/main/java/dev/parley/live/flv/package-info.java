/**
 * FLV out: HTTP-FLV playback (the response that turns into a stream of pre-framed chunks, see
 * {@code FlvHandlerNames}) and recording of every published stream to FLV files. Internal to
 * parley-live.
 */
package dev.parley.live.flv;
