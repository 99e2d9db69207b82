package io.segmenta.web;

import io.segmenta.server.WriteKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings, write keys (admins only): the keys made while serving, each a source with a name and a strictness, listed
 * by their first characters; make one (shown once) or revoke one through {@link WriteKeys}, which the server checks
 * tracking requests against (a revoked key is refused from its next request). Keys given at start
 * ({@code --write-key}, {@code --source}) are the server's configuration and not listed here.
 */
final class KeysPage {
  private KeysPage() {}

  static Map<String, Object> load(Visit v) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WriteKeys.Key k : v.services().keys().list()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", k.name());
      row.put("strict", k.strict() ? "strict" : "lenient");
      row.put("prefix", k.prefix() + "…");
      row.put("created", k.created().toString());
      rows.add(row);
    }
    Map<String, Object> m = new HashMap<>();
    m.put("keys", rows);
    return m;
  }

  static String create(Visit v) {
    String name = v.ctx().formParam("name");
    boolean strict = "strict".equals(v.ctx().formParam("strictness"));
    String key = v.services().keys().create(name == null ? null : name.trim(), strict, Instant.now(), List.of());
    return "made the write key " + key + " for source " + name.trim() + "; copy it now: it is not shown again";
  }

  static String revoke(Visit v) {
    String name = v.ctx().formParam("name");
    v.services().keys().revoke(name);
    return "revoked the write key of source " + name;
  }
}
