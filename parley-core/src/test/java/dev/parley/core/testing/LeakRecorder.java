package dev.parley.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every leak Netty's detector reports, so a test that leaks a buffer fails. Installed
 * before any test class loads by {@link LeakInstaller}; checked after each test class by
 * {@link LeakCheckExtension}.
 */
public final class LeakRecorder {
  private static final List<String> LEAKS = new ArrayList<>();
  private static volatile boolean installed;

  private LeakRecorder() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
          long maxActive) {
        return new ResourceLeakDetector<T>(resource, samplingInterval) {
          @Override
          protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
          }

          @Override
          protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (no records)");
          }
        };
      }
    });
  }

  private static synchronized void record(String leak) {
    LEAKS.add(leak);
  }

  /** Runs the collector and allocates, so pending leaks get reported; returns and clears them. */
  public static List<String> collect() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      System.runFinalization();
      for (int j = 0; j < 64; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.release();
      }
    }
    synchronized (LeakRecorder.class) {
      List<String> out = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return out;
    }
  }
}
