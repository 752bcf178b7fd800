/**
 * Plain-Java helpers around the IM wire schema: framing, JSON mapping, ids. No Netty.
 * Public: the server modules and the Java SDK use all of it.
 */
package dev.parley.protocol;
