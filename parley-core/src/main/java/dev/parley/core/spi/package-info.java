/**
 * How modules plug into the kernel ({@link ParleyModule}, {@link ServerContext}), and the small
 * interfaces through which they talk to each other. Public API: what every module compiles against.
 */
package dev.parley.core.spi;
