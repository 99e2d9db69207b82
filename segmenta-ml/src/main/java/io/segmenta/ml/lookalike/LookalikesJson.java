package io.segmenta.ml.lookalike;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lookalike search as JSON-ready maps, the one form the CLI ({@code segmenta lookalike --format json}) and the
 * admin API ({@code POST /admin/lookalikes}) both write: snake_case keys, and an undefined lift (no candidates) is
 * null, since JSON has no NaN.
 */
public final class LookalikesJson {
  private LookalikesJson() {}

  /** The result at {@code asOf}; {@code recovery} only when evaluated (null: not), {@code saved} the segment saved (null: none). */
  public static Map<String, Object> of(Instant asOf, List<Lookalikes.Recovery> recovery, Lookalikes.Result r, String saved) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (recovery != null) {
      List<Map<String, Object>> rec = new ArrayList<>();
      for (Lookalikes.Recovery x : recovery) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("tier", x.share());
        e.put("hidden", x.hidden());
        e.put("found", x.found());
        e.put("lift", Double.isFinite(x.lift()) ? x.lift() : null);
        rec.add(e);
      }
      m.put("recovery", rec);
    }
    m.put("as_of", asOf.toString());
    m.put("seed", r.seed());
    m.put("seed_members", r.seedMembers());
    m.put("candidates", r.candidates());
    m.put("score_trait", r.trait());
    m.put("features", r.features());
    if (r.note() != null) {
      m.put("note", r.note());
    }
    List<Map<String, Object>> tiers = new ArrayList<>();
    for (Lookalikes.TierRule t : r.tiers()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("tier", t.share());
      e.put("size", t.size());
      e.put("cut", t.cut());
      e.put("rule", t.rule());
      tiers.add(e);
    }
    m.put("tiers", tiers);
    if (saved != null) {
      m.put("saved", saved);
    }
    return m;
  }
}
