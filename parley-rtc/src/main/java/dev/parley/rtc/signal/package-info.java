/**
 * What calls and rooms share: {@code SignalRoutes}, how signaling reaches users' sessions (the
 * sessions of this node through the IM gateway, or of every node over the node bus), which node
 * holds a call ({@code CallHome}) and the bus messages between signaling nodes, the
 * replies to signaling requests, the check of media-state payloads, the limits and the shared
 * meters. Internal to parley-rtc.
 */
package dev.parley.rtc.signal;
