/** Delivery: fan-out after commit, unacknowledged pushes and their resend, delivered cursors, offline hooks. */
package dev.parley.im.delivery;
