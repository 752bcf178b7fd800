/** Which peer addresses a relay may send to: the default deny list, address normalisation, allow lists. */
package dev.parley.rtc.policy;
