/** IM's admin API routes: sessions, kicks, system messages, stats. */
package dev.parley.im.admin;
