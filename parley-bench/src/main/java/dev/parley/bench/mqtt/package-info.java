/** MQTT benchmarks: a load generator and a side-by-side run of Parley and Mosquitto. */
package dev.parley.bench.mqtt;
