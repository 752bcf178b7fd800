package dev.parley.files;

import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.time.Cancellable;
import dev.parley.files.config.FilesKeys;
import dev.parley.files.content.LocalContent;
import dev.parley.files.download.FileRoutes;
import dev.parley.files.store.FileStore;
import dev.parley.files.store.sql.SqlFileStore;
import dev.parley.files.tus.TusRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in chat: tus uploads at {@code /api/v1/files/uploads}, downloads at {@code
 * /api/v1/files/{id}}, content on local disk under {@code files.dir}, records in the server's
 * database. Unfinished uploads past their expiry are swept every minute.
 */
public final class FilesModule implements ParleyModule {
  static final Duration SWEEP_PERIOD = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(FilesModule.class);
  private Cancellable sweeper;

  @Override
  public String name() {
    return "files";
  }

  @Override
  public int order() {
    return 400;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return FilesKeys.all();
  }

  @Override
  public void start(ServerContext ctx) {
    Config c = ctx.config();
    if (!c.get(FilesKeys.ENABLED)) {
      return;
    }
    Path dir = c.get(FilesKeys.DIR) != null ? c.get(FilesKeys.DIR) : ctx.dataDir().resolve("files");
    LocalContent content = new LocalContent(dir);
    FileStore store = new SqlFileStore(ctx.storage());
    TusRoutes tus = new TusRoutes(store, content, ctx.tokens(), ctx.blocking(), ctx.clock(), new TusRoutes.Limits(
        c.get(FilesKeys.MAX_SIZE), c.get(FilesKeys.QUOTA), c.get(FilesKeys.ALLOWED_TYPES), c.get(FilesKeys.MAX_UPLOADS),
        c.get(FilesKeys.UPLOAD_EXPIRY)));
    tus.register(ctx.http());
    ctx.services().register(TusRoutes.class, tus);
    new FileRoutes(store, content, ctx.tokens(), ctx.blocking()).register(ctx.http());
    sweeper = ctx.time().every(ctx.eventLoops().group().next(), () -> ctx.blocking().execute(() -> {
      try {
        int n = tus.sweep();
        if (n > 0) {
          log.info("files: removed {} expired upload(s)", n);
        }
      } catch (RuntimeException e) {
        log.warn("files: the sweep of expired uploads failed ({})", e.toString());
      }
    }), SWEEP_PERIOD);
    log.info("files: uploads (tus) at {} stored in {}", TusRoutes.PATH, dir);
  }

  @Override
  public void stop() {
    if (sweeper != null) {
      sweeper.cancel();
    }
  }
}
