/**
 * Configuration: typed keys declared by each module, loaded from file, environment and flags.
 * Public API: every module declares its keys with {@link ConfigKey} and reads them from {@link Config}.
 */
package dev.parley.core.config;
