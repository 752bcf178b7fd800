/** The files module's store interface. */
package dev.parley.files.store;
