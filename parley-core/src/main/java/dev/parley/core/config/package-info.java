/** Configuration: typed keys declared by each module, loaded from file, environment and flags. */
package dev.parley.core.config;
