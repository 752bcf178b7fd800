/** Presence (online/offline pushed to subscribers) and typing indicators (relayed, never stored). */
package dev.parley.im.presence;
