/** Where the SDK keeps what must outlive the process: sync cursors and learned heartbeat intervals. */
package dev.parley.client.store;
