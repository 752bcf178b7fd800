/** Media frames as FLV tags carry them, codec detection and codec configuration parsing. */
package dev.parley.live.media;
