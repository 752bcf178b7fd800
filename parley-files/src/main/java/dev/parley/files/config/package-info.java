/** The files module's configuration keys. */
package dev.parley.files.config;
