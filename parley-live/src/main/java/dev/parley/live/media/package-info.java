/**
 * Media frames as FLV tags carry them (shared, encoded once per output), codec detection and
 * parsing of codec configuration (AVC, AAC). Pure; internal to parley-live.
 */
package dev.parley.live.media;
