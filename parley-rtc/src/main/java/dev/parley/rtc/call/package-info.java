/**
 * Calls between two users: the calls held and how they end ({@code Calls}), the parties' requests
 * (invite, accept, reject, cancel, hangup, signal relay), sessions dropping and resuming, and the
 * call records left in the conversation. Everything runs on the signaling executor, which owns all
 * call state. Internal to parley-rtc.
 */
package dev.parley.rtc.call;
