/**
 * The ICE server list with ephemeral TURN credentials: the {@code IceServers} service (in the
 * service registry), the HTTP route {@code /api/v1/rtc/ice-servers}, and what goes into the IM login
 * answer. Internal to parley-rtc; other modules find the service by its interface.
 */
package dev.parley.rtc.ice;
