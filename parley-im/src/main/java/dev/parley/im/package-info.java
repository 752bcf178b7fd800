/** The IM service: module wiring and settings. */
package dev.parley.im;
