package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.cluster.Segmentation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Clusters: proposed segments as {@code segmenta cluster} and {@code POST /admin/clusters} make them (k-means on
 * computed traits, k by silhouette, profiles by effect size, names, one segment-language rule per cluster), run as a
 * background job; each cluster is saved as a segment in one click, through {@link Segments#save} as the API saves it
 * (same checks, same messages).
 */
final class ClustersPage {
  static final String OWNER = "clusters|";

  private ClustersPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    Optional<Jobs.Job> j = v.services().jobs().latest(OWNER + v.user().name());
    m.put("started", j.isPresent());
    m.put("job", j.map(Jobs.Job::view).orElse(Map.of()));
    m.put("features", String.join(", ", Segmentation.DEFAULT_FEATURES));
    List<String> ks = new ArrayList<>(List.of("auto"));
    for (int k = 2; k <= 8; k++) {
      ks.add(Integer.toString(k));
    }
    m.put("ks", ks);
    return m;
  }

  /** Starts a proposal in the background and returns at once; the page polls for it. */
  static String propose(Visit v) {
    String kText = value(v.ctx().formParam("k"), "auto");
    Integer k = null;
    if (!kText.equals("auto")) {
      try {
        k = Integer.parseInt(kText);
      } catch (NumberFormatException e) {
        throw new UserException("'k' must be between 2 and 20, got " + kText);
      }
      if (k < 2 || k > 20) {
        throw new UserException("'k' must be between 2 and 20, got " + k);
      }
    }
    long seed;
    try {
      seed = Long.parseLong(value(v.ctx().formParam("seed"), "42"));
    } catch (NumberFormatException e) {
      throw new UserException("'seed' must be a whole number, got '" + v.ctx().formParam("seed") + "'");
    }
    Integer fixed = k;
    String key = "clusters|" + k + "|" + seed + "|" + Jobs.dataKey(v);
    v.services().jobs().start(key, "proposing clusters", p -> {
      p.step("k-means on " + Segmentation.DEFAULT_FEATURES.size() + " computed traits, k " + (fixed == null ? "2 to 8 by silhouette" : "= " + fixed));
      Segmentation.Result r = Segmentation.run(v.store().catalog(), v.store().audiences(), v.asOf(), Segmentation.DEFAULT_FEATURES, 2, 8, fixed, seed);
      return model(r);
    });
    v.services().jobs().remember(OWNER + v.user().name(), key);
    return "proposing clusters in the background; they appear below when ready";
  }

  /** Saves one proposed cluster's rule as a segment. */
  static String save(Visit v) {
    Jobs.Job j = v.services().jobs().latest(OWNER + v.user().name())
        .orElseThrow(() -> new UserException("no cluster proposal to save from; propose clusters first"));
    @SuppressWarnings("unchecked")
    Map<String, Object> done = (Map<String, Object>) j.result().orElseThrow(() -> new UserException("the cluster proposal is not ready yet"));
    Segmentation.Result r = (Segmentation.Result) done.get("result");
    String c = value(v.ctx().formParam("cluster"), "");
    Segmentation.Profile p = r.clusters().stream().filter(x -> Integer.toString(x.cluster() + 1).equals(c)).findFirst()
        .orElseThrow(() -> new UserException("'cluster' must be one of the proposed clusters 1 to " + r.clusters().size() + ", got '" + c + "'"));
    if (p.explanation().rule() == null) {
      throw new UserException("cluster " + c + " has no rule to save");
    }
    String name = value(v.ctx().formParam("name"), "").trim();
    new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC())
        .save(name, p.explanation().rule(), "cluster " + c + ": " + p.name());
    return "saved cluster " + c + " as segment " + name;
  }

  static Map<String, Object> model(Segmentation.Result r) {
    Map<String, Object> m = new HashMap<>();
    m.put("result", r);
    m.put("customers", Numbers.count(r.customers()));
    m.put("k", r.k());
    m.put("fidelity", Numbers.percent(r.fidelity()));
    m.put("note", r.note() == null ? "" : r.note());
    m.put("featureNames", r.features());
    List<Map<String, Object>> clusters = new ArrayList<>();
    StringJoiner names = new StringJoiner(",", "[", "]");
    StringJoiner sizes = new StringJoiner(",", "[", "]");
    for (Segmentation.Profile p : r.clusters()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("number", p.cluster() + 1);
      c.put("name", p.name());
      c.put("size", Numbers.count(p.size()));
      c.put("share", Numbers.percent(r.customers() == 0 ? Double.NaN : (double) p.size() / r.customers()));
      c.put("distinguishing", String.join(", ", p.distinguishing()));
      List<String> means = new ArrayList<>();
      for (double x : p.means()) {
        means.add(Numbers.ratio(x));
      }
      c.put("means", means);
      c.put("rule", p.explanation().rule() == null ? "" : p.explanation().rule());
      c.put("precision", Numbers.percent(p.explanation().precision()));
      c.put("recall", Numbers.percent(p.explanation().recall()));
      c.put("suggested", slug(p.name(), p.cluster() + 1));
      clusters.add(c);
      names.add(Numbers.jsonText((p.cluster() + 1) + ". " + p.name()));
      sizes.add(Integer.toString(p.size()));
    }
    m.put("clusters", clusters);
    StringJoiner ks = new StringJoiner(",", "[", "]");
    StringJoiner sil = new StringJoiner(",", "[", "]");
    List<Map<String, Object>> candidates = new ArrayList<>();
    for (Segmentation.Candidate c : r.candidates()) {
      ks.add(Numbers.jsonText("k = " + c.k()));
      sil.add(Numbers.json(c.silhouette()));
      candidates.add(Map.of("k", c.k(), "silhouette", Numbers.ratio(c.silhouette()), "ch", Numbers.ratio(c.calinskiHarabasz())));
    }
    m.put("candidates", candidates);
    m.put("chart", "{\"names\":" + names + ",\"sizes\":" + sizes + ",\"ks\":" + ks + ",\"silhouette\":" + sil + "}");
    return m;
  }

  /** A segment name from a cluster's name: lower case, words joined by '-', numbered. */
  static String slug(String name, int number) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    s = s.length() > 40 ? s.substring(0, 40).replaceAll("-+$", "") : s;
    return "cluster-" + number + (s.isEmpty() ? "" : "-" + s);
  }

  private static String value(String s, String otherwise) {
    return s == null || s.isBlank() ? otherwise : s.trim();
  }
}
