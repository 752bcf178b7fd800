/** The web chat page and the JavaScript SDK, served from the class path. */
package dev.parley.server.web;
