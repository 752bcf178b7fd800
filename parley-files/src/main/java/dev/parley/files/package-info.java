/** Files in chat: resumable uploads (tus 1.0), content stored once by SHA-256, downloads. */
package dev.parley.files;
