/**
 * Presence: who follows whose online state, the changes the directory reports pushed to them in
 * order per user, last-seen times. (Typing indicators are relayed by {@code handler}.) Internal
 * to parley-im.
 */
package dev.parley.im.presence;
