package io.segmenta.ml.cluster;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Store;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Customers as rows of computed-trait features, for the models: the raw values (what rules are written in), and the
 * same values log-transformed where a non-negative feature is skewed (skewness above 1: money, counts, days) and
 * standardised (population deviation), which is what distances and regressions should see. Customers missing a
 * feature are left out and counted.
 */
public record FeatureMatrix(List<String> features, List<String> ids, double[][] raw, double[][] z, List<Boolean> logged, long incomplete) {

  /** Categorical traits become one 0/1 column per value, for at most this many of their most common values. */
  static final int MAX_LEVELS = 12;

  /**
   * Features may be computed traits (measures over events), stored number or boolean traits, or stored text traits,
   * which become one column {@code trait=value} per common value (one-hot).
   */
  public static FeatureMatrix read(Store store, Instant asOf, Rule universe, List<String> features) {
    List<String> computed = new ArrayList<>();
    List<Measure> measures = new ArrayList<>();
    List<String> stored = new ArrayList<>();
    for (String f : features) {
      var def = store.schema().trait(f).orElseThrow(() -> new UserException("unknown trait '" + f + "'"));
      if (!def.stored()) {
        computed.add(f);
        measures.add(ComputedTraits.definition(f).orElseThrow(() -> new UserException("'" + f + "' has no definition")));
      } else if (def.type() == io.segmenta.core.schema.ValueType.NUMBER || def.type() == io.segmenta.core.schema.ValueType.BOOLEAN
          || def.type() == io.segmenta.core.schema.ValueType.STRING) {
        stored.add(f);
      } else {
        throw new UserException("trait '" + f + "' is a " + def.type().label() + "; features are numbers, booleans, text or computed traits");
      }
    }
    // Rows in profile-id order, whatever order the store streams them in: the order feeds seeded models (k-means++
    // picks seeds by row), and a large streamed result is not guaranteed to keep its ORDER BY through JDBC.
    java.util.Map<String, double[]> byId = new java.util.TreeMap<>();
    long[] incomplete = {0};
    store.values(universe, asOf, measures, (id, v) -> {
      double[] r = new double[v.size()];
      for (int j = 0; j < r.length; j++) {
        r[j] = v.get(j) instanceof Value.Num n ? n.value() : Double.NaN;
      }
      if (Arrays.stream(r).allMatch(Double::isFinite)) {
        byId.put(id, r);
      } else {
        incomplete[0]++;
      }
    });
    java.util.Map<String, java.util.Map<String, Value>> traitsById = new java.util.HashMap<>();
    java.util.Map<String, java.util.Map<String, Integer>> levelCounts = new java.util.LinkedHashMap<>();
    if (!stored.isEmpty()) {
      store.export(universe, asOf, stored, io.segmenta.core.privacy.Purpose.ANALYTICS, m -> {
        if (byId.containsKey(m.profileId())) {
          traitsById.put(m.profileId(), m.traits());
          for (String f : stored) {
            if (m.traits().get(f) instanceof Value.Str str) {
              levelCounts.computeIfAbsent(f, k -> new java.util.HashMap<>()).merge(str.value(), 1, Integer::sum);
            }
          }
        }
      });
    }
    List<String> columns = new ArrayList<>(computed);
    for (String f : stored) {
      if (levelCounts.containsKey(f)) {
        levelCounts.get(f).entrySet().stream().sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(java.util.Map.Entry.comparingByKey()))
            .limit(MAX_LEVELS).forEach(e -> columns.add(f + "=" + e.getKey()));
      } else {
        columns.add(f);
      }
    }
    List<String> ids = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    for (java.util.Map.Entry<String, double[]> e : byId.entrySet()) {
      double[] r = Arrays.copyOf(e.getValue(), columns.size());
      java.util.Map<String, Value> t = traitsById.getOrDefault(e.getKey(), java.util.Map.of());
      boolean complete = true;
      for (int c = computed.size(); c < columns.size(); c++) {
        String col = columns.get(c);
        int eq = col.indexOf('=');
        if (eq > 0) {
          r[c] = t.get(col.substring(0, eq)) instanceof Value.Str str && str.value().equals(col.substring(eq + 1)) ? 1 : 0;
        } else {
          Value v = t.get(col);
          r[c] = v instanceof Value.Num n ? n.value() : v instanceof Value.Bool b ? (b.value() ? 1 : 0) : Double.NaN;
          complete &= Double.isFinite(r[c]);
        }
      }
      if (complete) {
        ids.add(e.getKey());
        rows.add(r);
      } else {
        incomplete[0]++;
      }
    }
    features = columns;
    double[][] raw = rows.toArray(new double[0][]);
    int d = features.size();
    double[][] z = new double[raw.length][d];
    List<Boolean> logged = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      int f = j;
      boolean log = !features.get(j).contains("=") && raw.length > 0 && Arrays.stream(raw).mapToDouble(r -> r[f]).min().orElse(0) >= 0 && skew(raw, f) > 1;
      logged.add(log);
      double mean = 0;
      for (int i = 0; i < raw.length; i++) {
        z[i][j] = log ? Math.log1p(raw[i][j]) : raw[i][j];
        mean += z[i][j] / raw.length;
      }
      double var = 0;
      for (double[] r : z) {
        var += (r[j] - mean) * (r[j] - mean) / raw.length;
      }
      double sd = Math.sqrt(var) > 0 ? Math.sqrt(var) : 1;
      for (double[] r : z) {
        r[j] = (r[j] - mean) / sd;
      }
    }
    return new FeatureMatrix(List.copyOf(features), List.copyOf(ids), raw, z, List.copyOf(logged), incomplete[0]);
  }

  static double skew(double[][] x, int f) {
    double m = Arrays.stream(x).mapToDouble(r -> r[f]).average().orElse(0);
    double m2 = Arrays.stream(x).mapToDouble(r -> Math.pow(r[f] - m, 2)).average().orElse(0);
    double m3 = Arrays.stream(x).mapToDouble(r -> Math.pow(r[f] - m, 3)).average().orElse(0);
    return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
  }
}
