/**
 * The Parley executable: module discovery and process lifecycle.
 * Public only for {@code Modules}, which the end-to-end tests (parley-it) start servers with.
 */
package dev.parley.server;
