/**
 * Login and the session lifecycle: the checks of a Login request (protocol version, logins per
 * address, device id, token), and what follows a session's start and end (registration under the
 * kick policy and the kicks it causes, presence, the gateway's listeners). Works on a
 * {@code LoginCandidate}, not on a concrete connection. Internal to parley-im.
 */
package dev.parley.im.login;
