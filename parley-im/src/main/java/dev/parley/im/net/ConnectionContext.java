package dev.parley.im.net;

import dev.parley.core.time.TimeSource;
import dev.parley.im.config.ImSettings;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.login.Logins;
import dev.parley.im.login.SessionLifecycle;
import dev.parley.im.metrics.ImMetrics;

/**
 * What every connection of the server shares, held once so that a connection carries one reference
 * to it, not one per part.
 *
 * @param time every deadline and timestamp of a connection reads it
 * @param open every open connection, for the shutdown
 */
record ConnectionContext(ImSettings settings, ImMetrics metrics, TimeSource time, Sweeper sweeper,
    Deadlines deadlines, OpenConnections open, Logins logins, RequestHandler requests, SessionLifecycle sessions) {}
