/** How modules plug into the kernel, and the small interfaces through which they talk to each other. */
package dev.parley.core.spi;
