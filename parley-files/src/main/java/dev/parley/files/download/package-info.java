/** Downloads of stored files. */
package dev.parley.files.download;
