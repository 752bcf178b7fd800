/**
 * The HTTP listener: routing, JSON answers, admin authorisation, WebSocket upgrades for the
 * modules' endpoints, and every shape of its pipeline ({@link HttpPipeline}). Public API for
 * modules' routes and endpoints; the dispatcher and control handlers are package-private.
 */
package dev.parley.core.http;
