/** Sessions: subscriptions, the in-flight window, the queue, packet ids, session expiry and wills. */
package dev.parley.mqtt.session;
