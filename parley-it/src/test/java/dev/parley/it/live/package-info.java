/** End-to-end tests of live streaming with ffmpeg, ffprobe and headless Chromium. */
package dev.parley.it.live;
