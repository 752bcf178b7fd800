/** The rtc module's configuration keys (prefix {@code rtc.}). Internal to parley-rtc. */
package dev.parley.rtc.config;
