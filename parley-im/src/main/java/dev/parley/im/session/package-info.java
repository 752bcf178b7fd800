/** Sessions: the directory of who is online where, and the per-session view the rest of IM uses. */
package dev.parley.im.session;
