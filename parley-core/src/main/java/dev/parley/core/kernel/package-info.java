/**
 * The kernel: the core's config keys, module start and graceful stop. Public for the executable
 * (parley-server) and tests, which start a {@link Kernel}; modules see it only through
 * {@code spi.ServerContext} (and read a few of {@link CoreKeys}). The top of parley-core: nothing
 * else in core depends on it.
 */
package dev.parley.core.kernel;
