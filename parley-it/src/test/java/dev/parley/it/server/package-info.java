/** End-to-end tests of the server as users run it: the launcher, the jar, signals. */
package dev.parley.it.server;
