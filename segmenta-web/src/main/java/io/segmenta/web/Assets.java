package io.segmenta.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The app's static files, read once from the classpath: htmx and ECharts from their WebJars, the app's script and
 * style from this module. Served under {@code /assets/} with a version in the name, so they are cached for a year.
 */
final class Assets {
  static final String HTMX = "htmx-2.0.8.min.js";
  static final String ECHARTS = "echarts-5.3.1.min.js";
  static final String APP_JS = "app-1.js";
  static final String APP_CSS = "app-1.css";
  static final String CHARTS_JS = "charts-2.js";
  static final String EXPERIMENTS_JS = "experiments-1.js";
  static final String BUILDER_JS = "builder-1.js";
  static final String SEGMENT_JS = "segment-2.js";
  static final String BUILDER_CSS = "builder-1.css";

  private record Asset(byte[] bytes, String type) {}

  private final Map<String, Asset> byName = Map.of(
      HTMX, new Asset(read("META-INF/resources/webjars/htmx.org/2.0.8/dist/htmx.min.js"), "text/javascript"),
      ECHARTS, new Asset(read("META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js"), "text/javascript"),
      APP_JS, new Asset(read("io/segmenta/web/assets/app.js"), "text/javascript"),
      APP_CSS, new Asset(read("io/segmenta/web/assets/app.css"), "text/css"),
      CHARTS_JS, new Asset(read("io/segmenta/web/assets/charts.js"), "text/javascript"),
      EXPERIMENTS_JS, new Asset(read("io/segmenta/web/assets/experiments.js"), "text/javascript"),
      BUILDER_JS, new Asset(read("io/segmenta/web/assets/builder.js"), "text/javascript"),
      SEGMENT_JS, new Asset(read("io/segmenta/web/assets/segment.js"), "text/javascript"),
      BUILDER_CSS, new Asset(read("io/segmenta/web/assets/builder.css"), "text/css"));

  void serve(Context ctx) {
    Asset a = byName.get(ctx.pathParam("name"));
    if (a == null) {
      ctx.status(404).contentType("text/plain").result("no asset named '" + ctx.pathParam("name") + "'");
      return;
    }
    ctx.header("Cache-Control", "public, max-age=31536000, immutable").contentType(a.type() + "; charset=utf-8").result(a.bytes());
  }

  private static byte[] read(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource + " (is the WebJar on the class path?)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
