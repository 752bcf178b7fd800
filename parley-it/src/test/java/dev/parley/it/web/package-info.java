/** End-to-end tests of the web chat page and the JavaScript SDK in headless Chromium. */
package dev.parley.it.web;
