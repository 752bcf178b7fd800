/** File upload and download throughput and heap, against the disk's own write speed. */
package dev.parley.bench.files;
