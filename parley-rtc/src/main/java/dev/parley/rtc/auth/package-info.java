/** TURN credentials: coturn's REST scheme, stateless nonces, and the long-term credential check. */
package dev.parley.rtc.auth;
