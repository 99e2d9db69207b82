package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.Locale;

/**
 * What a shop's pages load instead of Segment's CDN, so that they make no request to Segment at all.
 *
 * <p>analytics.js (the {@code @segment/analytics-next} standalone bundle, MIT) starts by fetching
 * {@code {cdn}/v1/projects/{writeKey}/settings} and loads its code-split chunks from
 * {@code {cdn}/analytics-next/bundles/}, where {cdn} is {@code window.analytics._cdn} or the origin of the script
 * tag. This class answers both from this server: the settings name no destination but {@code Segment.io}, whose
 * {@code apiHost} is this server (as the page reached it: {@code Host}, {@code X-Forwarded-Proto}, or the
 * configured public URL), with remote metrics off ({@code sampleRate: 0}, else it posts to api.segment.io every
 * 30 s). The bundle files come from a folder the operator fills from the npm package ({@code scripts/analytics-js});
 * they are read once at start and served from memory.
 */
final class AnalyticsJsAssets {
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]+\\.js");
  private final Map<String, byte[]> files;
  private final Predicate<String> knownKey;
  private final URI publicUrl;

  /** {@code dir} holds standalone.js and its chunks (null: settings only); {@code knownKey} tells write keys apart. */
  AnalyticsJsAssets(Path dir, Predicate<String> knownKey, URI publicUrl) {
    this.knownKey = knownKey;
    this.publicUrl = publicUrl;
    this.files = dir == null ? Map.of() : load(dir);
  }

  private static Map<String, byte[]> load(Path dir) {
    Path d = Files.isRegularFile(dir.resolve("dist/umd/standalone.js")) ? dir.resolve("dist/umd") : dir;
    if (!Files.isRegularFile(d.resolve("standalone.js"))) {
      throw new IllegalArgumentException("no analytics.js bundle (standalone.js) in " + dir
          + "; fill it with scripts/analytics-js " + dir);
    }
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (FILE.matcher(name).matches() && Files.isRegularFile(p)) {
          out.put(name, Files.readAllBytes(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the analytics.js bundle in " + d + ": " + e.getMessage(), e);
    }
    return Map.copyOf(out);
  }

  boolean hasBundle() {
    return files.containsKey("standalone.js");
  }

  List<Route> routes() {
    List<Route> out = new ArrayList<>();
    out.add(new Route("GET", "/v1/projects/{writeKey}/settings", Route.Access.PUBLIC,
        "analytics.js settings for a write key: sends every event to this server, loads nothing from Segment", null, this::settings));
    if (hasBundle()) {
      out.add(new Route("GET", "/analytics.js/v1/{writeKey}/analytics.min.js", Route.Access.PUBLIC,
          "the analytics.js bundle (@segment/analytics-next, MIT) for a write key", null, this::bundle));
      out.add(new Route("GET", "/analytics.js/v1/{writeKey}/analytics.js", Route.Access.PUBLIC,
          "the analytics.js bundle (same as analytics.min.js)", null, this::bundle));
      out.add(new Route("GET", "/analytics-next/bundles/{file}", Route.Access.PUBLIC,
          "a code-split chunk of the analytics.js bundle", null, this::chunk));
    }
    return out;
  }

  private void known(Context ctx) {
    String key = ctx.pathParam("writeKey");
    if (!knownKey.test(key)) {
      throw new Http.Failure(404, "unknown write key");
    }
  }

  private void settings(Context ctx) {
    known(ctx);
    String key = ctx.pathParam("writeKey");
    ObjectNode doc = Http.JSON.createObjectNode();
    ObjectNode segment = doc.putObject("integrations").putObject("Segment.io");
    segment.put("apiKey", key);
    segment.put("apiHost", host(ctx) + "/v1");
    segment.put("protocol", scheme(ctx));
    segment.putArray("unbundledIntegrations");
    segment.putObject("maybeBundledConfigIds");
    doc.putObject("plan");
    doc.putObject("edgeFunction");
    doc.put("analyticsNextEnabled", true);
    doc.putObject("middlewareSettings");
    doc.putObject("enabledMiddleware");
    ObjectNode metrics = doc.putObject("metrics");
    metrics.put("sampleRate", 0);
    metrics.put("host", host(ctx) + "/v1");
    doc.put("legacyVideoPluginsEnabled", false);
    doc.putArray("remotePlugins");
    ctx.header("Cache-Control", "public, max-age=300");
    Http.json(ctx, 200, doc);
  }

  private String host(Context ctx) {
    if (publicUrl != null) {
      return publicUrl.getRawAuthority() + (publicUrl.getRawPath() == null ? "" : publicUrl.getRawPath().replaceAll("/+$", ""));
    }
    String h = ctx.header("Host");
    if (h == null || !h.matches("[A-Za-z0-9.\\-\\[\\]:]{1,300}")) {
      throw new Http.Failure(400, "the Host header is missing or malformed; start the server with --public-url");
    }
    return h;
  }

  private String scheme(Context ctx) {
    if (publicUrl != null) {
      return publicUrl.getScheme();
    }
    String forwarded = ctx.header("X-Forwarded-Proto");
    if (forwarded != null && (forwarded.equalsIgnoreCase("https") || forwarded.equalsIgnoreCase("http"))) {
      return forwarded.toLowerCase(Locale.ROOT);
    }
    return ctx.scheme();
  }

  private void bundle(Context ctx) {
    known(ctx);
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.contentType("application/javascript; charset=utf-8").result(files.get("standalone.js"));
  }

  private void chunk(Context ctx) {
    String name = ctx.pathParam("file");
    byte[] b = FILE.matcher(name).matches() ? files.get(name) : null;
    if (b == null) {
      throw new Http.Failure(404, "no analytics.js chunk named '" + name + "'");
    }
    // Chunk names carry a content hash: they never change.
    ctx.header("Cache-Control", "public, max-age=31536000, immutable");
    ctx.contentType("application/javascript; charset=utf-8").result(b);
  }
}
