/**
 * Frames on their way out: the wire formats a connection may speak, a frame encoded at most once
 * per format however many sessions it goes to, and the Error frame of every refusal. Plain values,
 * no Netty. Internal to parley-im.
 */
package dev.parley.im.wire;
