package dev.parley.server;

import dev.parley.core.spi.ParleyModule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The modules on the class path, found through {@link ServiceLoader}. */
public final class Modules {
  private Modules() {}

  public static List<ParleyModule> discover() {
    List<ParleyModule> out = new ArrayList<>();
    for (ParleyModule m : ServiceLoader.load(ParleyModule.class)) {
      out.add(m);
    }
    return out;
  }
}
