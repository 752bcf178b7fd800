/** The Parley executable: module discovery and process lifecycle. */
package dev.parley.server;
