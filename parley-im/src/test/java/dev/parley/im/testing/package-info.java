/**
 * IM test fixtures (published in parley-im's test-jar): {@code ImServer}, a server with the IM
 * module; {@code ImTestClient}, the raw IM client (TCP, WebSocket binary and JSON); and
 * {@code ImSocket}, the IM protocol over a blocking TCP socket, for clients and fake servers that
 * must behave unlike a well-behaved client.
 */
package dev.parley.im.testing;
