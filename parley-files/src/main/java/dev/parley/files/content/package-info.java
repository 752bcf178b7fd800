/** Where the bytes of files are kept. */
package dev.parley.files.content;
