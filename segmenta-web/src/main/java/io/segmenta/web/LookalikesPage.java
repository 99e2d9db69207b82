package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.cluster.Segmentation;
import io.segmenta.ml.lookalike.Lookalikes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Lookalikes: the customers most like a seed segment, optionally within a constraint, in tiers of the closest 1, 2, 5
 * and 10 %, as {@code segmenta lookalike} and {@code POST /admin/lookalikes} find them; each tier's lift is measured
 * by hiding half the seed and counting how much of it the tier finds against chance. Run as a background job; a
 * tier is saved as a segment through {@link Segments#save}, the API's path.
 */
final class LookalikesPage {
  static final String OWNER = "lookalikes|";

  private LookalikesPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      names.add(d.name());
    }
    m.put("segments", names);
    Optional<Jobs.Job> j = v.services().jobs().latest(OWNER + v.user().name());
    m.put("started", j.isPresent());
    m.put("job", j.map(Jobs.Job::view).orElse(Map.of()));
    return m;
  }

  static String find(Visit v) {
    String seedText = value(v.ctx().formParam("seed"));
    if (seedText.isEmpty()) {
      throw new UserException("field 'seed' is required (text)");
    }
    String constraintText = value(v.ctx().formParam("likeBut"));
    Segments segs = segments(v);
    Rule seed = segs.ruleOf(seedText);
    Rule like = constraintText.isEmpty() ? null : segs.ruleOf(constraintText);
    String name = seedText.matches("[a-z0-9_-]+") ? seedText.replace('-', '_') : "seed";
    Lookalikes.Sources sources = new Lookalikes.Sources(v.store().catalog(), v.store().audiences(), v.store().segmentDefinitions(), v.store().scores(),
        Clock.systemUTC());
    String key = "lookalikes|" + seedText + "|" + constraintText + "|" + Jobs.dataKey(v);
    v.services().jobs().start(key, "finding customers like " + seedText, p -> {
      p.step("fitting the model of the seed against everyone");
      Lookalikes.Result r = Lookalikes.find(sources, v.asOf(), seedText, seed, like, Segmentation.DEFAULT_FEATURES, name);
      p.step("measuring each tier's lift by hiding half the seed");
      List<Lookalikes.Recovery> lift = Lookalikes.evaluate(sources, v.asOf(), seed, Segmentation.DEFAULT_FEATURES, 0.5, 42);
      return model(seedText, r, lift);
    });
    v.services().jobs().remember(OWNER + v.user().name(), key);
    return "finding lookalikes in the background; the tiers appear below when ready";
  }

  static String save(Visit v) {
    Jobs.Job j = v.services().jobs().latest(OWNER + v.user().name())
        .orElseThrow(() -> new UserException("no lookalikes to save from; find some first"));
    @SuppressWarnings("unchecked")
    Map<String, Object> done = (Map<String, Object>) j.result().orElseThrow(() -> new UserException("the lookalikes are not ready yet"));
    Lookalikes.Result r = (Lookalikes.Result) done.get("result");
    String tier = value(v.ctx().formParam("tier"));
    Lookalikes.TierRule t = r.tiers().stream().filter(x -> Long.toString(Math.round(x.share() * 100)).equals(tier)).findFirst()
        .orElseThrow(() -> new UserException("'tier' must be 1, 2, 5 or 10, got " + tier));
    String name = value(v.ctx().formParam("name"));
    segments(v).save(name, t.rule(), "lookalike of " + r.seed() + ", closest " + tier + " %");
    return "saved the closest " + tier + " % as segment " + name;
  }

  static Map<String, Object> model(String seedText, Lookalikes.Result r, List<Lookalikes.Recovery> lift) {
    Map<String, Object> m = new HashMap<>();
    m.put("result", r);
    m.put("seed", seedText);
    m.put("seedMembers", Numbers.count(r.seedMembers()));
    m.put("candidates", Numbers.count(r.candidates()));
    m.put("note", r.note() == null ? "" : r.note());
    List<Map<String, Object>> tiers = new ArrayList<>();
    StringJoiner labels = new StringJoiner(",", "[", "]");
    StringJoiner lifts = new StringJoiner(",", "[", "]");
    StringJoiner sizes = new StringJoiner(",", "[", "]");
    for (Lookalikes.TierRule t : r.tiers()) {
      long pct = Math.round(t.share() * 100);
      Lookalikes.Recovery rec = lift.stream().filter(x -> Math.round(x.share() * 100) == pct).findFirst().orElse(null);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tier", pct);
      row.put("size", Numbers.count(t.size()));
      row.put("cut", Numbers.ratio(t.cut()));
      row.put("lift", rec == null ? "–" : Numbers.ratio(rec.lift()));
      row.put("found", rec == null ? "–" : Numbers.count(rec.found()) + " of " + Numbers.count(rec.hidden()));
      row.put("rule", t.rule());
      row.put("suggested", (seedText.matches("[a-z0-9_-]+") ? seedText : "seed") + "-like-" + pct);
      tiers.add(row);
      labels.add(Numbers.jsonText("closest " + pct + " %"));
      lifts.add(rec == null ? "null" : Numbers.json(rec.lift()));
      sizes.add(Integer.toString(t.size()));
    }
    m.put("tiers", tiers);
    m.put("chart", "{\"tiers\":" + labels + ",\"lift\":" + lifts + ",\"sizes\":" + sizes + "}");
    return m;
  }

  private static Segments segments(Visit v) {
    return new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
  }

  private static String value(String s) {
    return s == null ? "" : s.trim();
  }
}
