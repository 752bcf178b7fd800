/** The Parley Java SDK: {@link dev.parley.client.ParleyClient} and what configures and listens to it. */
package dev.parley.client;
