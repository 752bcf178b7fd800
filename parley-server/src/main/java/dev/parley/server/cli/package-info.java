/**
 * The {@code parley} command line: start, config, token, chat, version.
 * Internal to parley-server; {@code ParleyCommand} is public as the jar's main class.
 */
package dev.parley.server.cli;
