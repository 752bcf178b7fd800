/**
 * IM's side of {@code core.spi.ImGateway}, the seam through which other modules (call and room
 * signaling) ride on IM sessions: their frame handlers, session listeners and login decorators.
 * Internal to parley-im: other modules see only the core interface.
 */
package dev.parley.im.gateway;
