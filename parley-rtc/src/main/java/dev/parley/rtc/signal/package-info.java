/** Call signaling over IM sessions: invites, ringing, answers, relay of offers, answers and ICE candidates. */
package dev.parley.rtc.signal;
