/** The HTTP listener: routing, JSON answers, WebSocket upgrades for the modules' endpoints. */
package dev.parley.core.http;
