/**
 * Rooms for small mesh calls: access (owner, members, join tokens, open rooms), capacity,
 * participant lists, join and leave events, signal relay between participants, expiry of empty
 * rooms, and the admin route that mints join tokens. Runs on the signaling executor. Internal to
 * parley-rtc.
 */
package dev.parley.rtc.room;
