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

  public static FeatureMatrix read(Store store, Instant asOf, Rule universe, List<String> features) {
    List<Measure> measures = new ArrayList<>();
    for (String f : features) {
      measures.add(ComputedTraits.definition(f).orElseThrow(() -> new UserException(
          "'" + f + "' is not a computed trait; choose from " + ComputedTraits.all().keySet())));
    }
    List<String> ids = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    long[] incomplete = {0};
    store.values(universe, asOf, measures, (id, v) -> {
      double[] r = new double[v.size()];
      for (int j = 0; j < r.length; j++) {
        r[j] = v.get(j) instanceof Value.Num n ? n.value() : Double.NaN;
      }
      if (Arrays.stream(r).allMatch(Double::isFinite)) {
        ids.add(id);
        rows.add(r);
      } else {
        incomplete[0]++;
      }
    });
    double[][] raw = rows.toArray(new double[0][]);
    int d = features.size();
    double[][] z = new double[raw.length][d];
    List<Boolean> logged = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      int f = j;
      boolean log = raw.length > 0 && Arrays.stream(raw).mapToDouble(r -> r[f]).min().orElse(0) >= 0 && skew(raw, f) > 1;
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
