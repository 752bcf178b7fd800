/**
 * What calls and rooms share: {@code SignalRoutes}, how signaling reaches users' sessions (the
 * seam a cluster implementation takes: this node's sessions through the IM gateway today), the
 * replies to signaling requests, the check of media-state payloads, the limits and the shared
 * meters. Internal to parley-rtc.
 */
package dev.parley.rtc.signal;
