/** Routing: application messages, matching them to subscriptions, retained messages, wills. */
package dev.parley.mqtt.broker;
