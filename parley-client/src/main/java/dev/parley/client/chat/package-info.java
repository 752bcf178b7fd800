/** The terminal chat of {@code parley chat}: commands, and what it shows as events arrive. */
package dev.parley.client.chat;
