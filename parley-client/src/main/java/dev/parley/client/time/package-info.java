/** Time as the SDK sees it: a scheduler that real apps back with a thread and tests move by hand. */
package dev.parley.client.time;
