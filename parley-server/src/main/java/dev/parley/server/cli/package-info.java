/** The {@code parley} command line: start, config, token, chat, version. */
package dev.parley.server.cli;
