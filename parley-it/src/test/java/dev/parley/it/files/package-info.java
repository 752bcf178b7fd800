/** Uploads and downloads with independent tus clients: tus-js-client under node, and tuspy. */
package dev.parley.it.files;
