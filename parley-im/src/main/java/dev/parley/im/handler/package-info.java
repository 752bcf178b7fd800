/** Request handling: validation of each request and its answer. */
package dev.parley.im.handler;
