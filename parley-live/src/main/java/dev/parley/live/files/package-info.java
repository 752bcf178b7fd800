/**
 * Where the live module writes files (HLS segments, recordings): paths confined to the module's
 * directories, and the bounded serial writer that keeps one stream's file I/O in order on the
 * blocking pool. Internal to parley-live.
 */
package dev.parley.live.files;
