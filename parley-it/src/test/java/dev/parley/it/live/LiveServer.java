package dev.parley.it.live;

import dev.parley.core.testing.TestKernel;
import dev.parley.server.Modules;

/** The real server (every module on the class path) on ephemeral loopback ports. */
final class LiveServer {
  private LiveServer() {}

  static TestKernel.Builder builder() {
    return TestKernel.builder(Modules::discover);
  }

  static String rtmp(TestKernel k, String path) {
    return "rtmp://127.0.0.1:" + k.port("rtmp") + "/" + path;
  }
}
