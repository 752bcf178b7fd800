/**
 * MQTT benchmarks: a load generator and a side-by-side run of Parley and Mosquitto.
 * Internal to parley-bench; the public classes are the programs it runs in their own processes.
 */
package dev.parley.bench.mqtt;
