/**
 * Time as the SDK sees it (public): a {@code Scheduler} that real apps back with a thread
 * ({@code SystemScheduler}) and tests move by hand ({@code ManualScheduler}).
 */
package dev.parley.client.time;
