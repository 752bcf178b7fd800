/** The ICE server list with ephemeral credentials, as a service and as the HTTP route /api/v1/rtc/ice-servers. */
package dev.parley.rtc.ice;
