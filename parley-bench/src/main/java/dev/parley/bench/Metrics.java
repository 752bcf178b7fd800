package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One scrape of a Parley server's {@code /metrics}, in the Prometheus text format: one line a
 * series, {@code name{labels} value}, and {@code #} comment lines.
 */
public final class Metrics {
  private final List<String> lines;

  Metrics(String text) {
    this.lines = text.lines().toList();
  }

  /** Reads {@code http://127.0.0.1:<httpPort>/metrics}. */
  public static Metrics scrape(int httpPort) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    return new Metrics(r.body());
  }

  /**
   * The value of one series, named as exposed: {@code parley_store_batch_size_count} or
   * {@code parley_store_commit_seconds{quantile="0.99"}}; NaN when the server has no such series.
   */
  public double value(String series) {
    for (String line : lines) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  /** The series whose names start with {@code prefix} and whose value is not zero, as exposed ({@code name{labels} value}). */
  public List<String> nonZero(String prefix) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(prefix) && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) != 0) {
        out.add(line);
      }
    }
    return out;
  }
}
