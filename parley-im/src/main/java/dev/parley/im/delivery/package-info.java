/**
 * Delivery: the in-process router (fan-out after commit, batched per event loop), unacknowledged
 * pushes and their resend, delivered cursors, offline-delivery hooks. Internal to parley-im.
 */
package dev.parley.im.delivery;
