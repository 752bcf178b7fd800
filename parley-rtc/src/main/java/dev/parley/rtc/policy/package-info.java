/**
 * Which peer addresses a relay may send to: the default deny list, address normalisation, allow and
 * deny lists from the configuration. Pure; internal to parley-rtc.
 */
package dev.parley.rtc.policy;
