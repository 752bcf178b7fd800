/** HTTP surface: the player page, its scripts, the stream list and the admin streams API. */
package dev.parley.live.web;
