/**
 * Request handling: the per-connection request rate, validation of each request of a logged-in
 * session and its answer. Handlers work on a {@code Caller} and reach the
 * store, the router and presence they were given. Internal to parley-im.
 */
package dev.parley.im.handler;
