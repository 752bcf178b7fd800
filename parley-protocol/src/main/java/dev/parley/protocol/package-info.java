/** Plain-Java helpers around the IM wire schema: framing, JSON mapping, ids. No Netty. */
package dev.parley.protocol;
