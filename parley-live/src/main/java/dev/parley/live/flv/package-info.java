/** FLV: tag encoding, HTTP-FLV playback and recording to files. */
package dev.parley.live.flv;
