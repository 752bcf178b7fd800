/**
 * The web chat page and the JavaScript SDK, served from the class path.
 * Internal to parley-server; {@code WebModule} is public for the module loader.
 */
package dev.parley.server.web;
