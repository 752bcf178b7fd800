/** IM test fixtures: a raw client and a server with the IM module (published in parley-im's test-jar). */
package dev.parley.im.testing;
