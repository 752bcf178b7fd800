/**
 * The terminal chat client ({@code parley chat}), built on the SDK's public API only: what a typed
 * line or {@code /command} does ({@code ChatCommands}), what is printed as events arrive
 * ({@code ChatEvents}), and how messages look ({@code ChatFormat}). {@link
 * dev.parley.client.chat.ChatSession} and {@link dev.parley.client.chat.ChatOutput} are what a
 * console drives (parley-server's {@code parley chat} reads lines with JLine or from a pipe); the
 * rest is internal.
 */
package dev.parley.client.chat;
