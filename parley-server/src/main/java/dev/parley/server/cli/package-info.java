/** The {@code parley} command line: start, config, token, version. */
package dev.parley.server.cli;
