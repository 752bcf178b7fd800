/** Calls: the rtc module, its configuration, and the services other modules use (ICE servers). */
package dev.parley.rtc;
