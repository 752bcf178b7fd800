/** The kernel: the core's config keys, module start and graceful stop. */
package dev.parley.core.kernel;
