/** Test fixtures shared by every module's tests (published as parley-core's test-jar). */
package dev.parley.core.testing;
