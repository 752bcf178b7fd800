/**
 * IM's configuration keys ({@code im.*}) and the settings resolved from them, immutable, that
 * every part is given. Internal to parley-im.
 */
package dev.parley.im.config;
