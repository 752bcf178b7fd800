/**
 * IM's admin API routes ({@code /api/v1}, behind the admin secret): list and kick a user's
 * sessions, send system messages. Internal to parley-im: only the module registers them.
 */
package dev.parley.im.admin;
