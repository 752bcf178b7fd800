/** The complete example of docs/SDK-JAVA.md, compiled with the tests so it cannot rot. */
package dev.parley.client.example;
