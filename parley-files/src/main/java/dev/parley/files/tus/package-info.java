/** The tus 1.0 upload protocol. */
package dev.parley.files.tus;
