/**
 * TURN credentials: coturn's REST scheme (ephemeral username and password from a shared
 * secret), stateless nonces, and the long-term credential check of a request. Internal to
 * parley-rtc (public for the benchmarks' TURN client).
 */
package dev.parley.rtc.auth;
