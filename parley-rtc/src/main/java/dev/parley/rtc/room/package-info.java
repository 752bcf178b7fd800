/** Rooms for small mesh calls: capacity, participant lists, join and leave events. */
package dev.parley.rtc.room;
