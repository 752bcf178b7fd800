/** The RTMP connection: control messages, commands, publishing and playing. */
package dev.parley.live.rtmp;
