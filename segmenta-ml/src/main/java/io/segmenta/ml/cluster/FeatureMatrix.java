package io.segmenta.ml.cluster;

import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Customers as rows of computed-trait features, for the models: the raw values (what rules are written in), and the
 * same values log-transformed where a non-negative feature is skewed (skewness above 1: money, counts, days) and
 * standardised (population deviation), which is what distances and regressions should see. Customers missing a
 * feature are left out and counted.
 */
public record FeatureMatrix(List<String> features, List<String> ids, double[][] raw, double[][] z, List<Boolean> logged, long incomplete,
    List<BitSet> flags) {

  /** Categorical traits become one 0/1 column per value, for at most this many of their most common values. */
  static final int MAX_LEVELS = 12;

  /**
   * Features may be computed traits (measures over events), stored number or boolean traits, or stored text traits,
   * which become one column {@code trait=value} per common value (one-hot).
   */
  public static FeatureMatrix read(Catalog catalog, Audiences audiences, Instant asOf, Rule universe, List<String> features) {
    return read(catalog, audiences, asOf, universe, features, List.of());
  }

  /**
   * As {@link #read(Catalog, Audiences, Instant, Rule, List)}, also telling which rows meet each of the {@code flags} rules
   * ({@link #flags()}: bit {@code i} of {@code flags().get(k)}): one pass over the profiles gives the features and,
   * say, a seed segment's members. Customers who opted out of analytics are left out.
   */
  public static FeatureMatrix read(Catalog catalog, Audiences audiences, Instant asOf, Rule universe, List<String> features, List<Rule> flagRules) {
    List<String> computed = new ArrayList<>();
    List<String> stored = new ArrayList<>();
    boolean numeric = true;
    for (String f : features) {
      var def = catalog.schema().trait(f).orElseThrow(() -> new UserException("unknown trait '" + f + "'"));
      if (!def.stored()) {
        var measure = ComputedTraits.definition(f).orElseThrow(() -> new UserException("'" + f + "' has no definition"));
        numeric &= Measures.type(measure, catalog.schema()) == ValueType.NUMBER;
        computed.add(f);
      } else if (def.type() == ValueType.NUMBER || def.type() == ValueType.BOOLEAN || def.type() == ValueType.STRING) {
        numeric &= def.type() != ValueType.STRING;
        stored.add(f);
      } else {
        throw new UserException("trait '" + f + "' is a " + def.type().label() + "; features are numbers, booleans, text or computed traits");
      }
    }
    Rows rows = numeric ? numberRows(catalog, audiences, asOf, universe, computed, stored, flagRules) : profileRows(catalog, audiences, asOf, universe, computed, stored, flagRules);
    return standardised(rows);
  }

  /** Rows before standardising: columns, and per row (in profile-id order) its id, values and flags. */
  private record Rows(List<String> columns, List<String> ids, double[][] raw, List<BitSet> flags, long incomplete) {}

  /** Number and boolean features, read as columns: the quick way for the usual feature sets. */
  private static Rows numberRows(Catalog catalog, Audiences audiences, Instant asOf, Rule universe, List<String> computed, List<String> stored, List<Rule> flagRules) {
    List<String> columns = new ArrayList<>(computed);
    columns.addAll(stored);
    NumberColumns nc = audiences.run(new AudienceQuery.Columns(universe, columns, flagRules, asOf, Purpose.ANALYTICS));
    int d = columns.size();
    int[] complete = new int[nc.rows()];
    int kept = 0;
    for (int i = 0; i < nc.rows(); i++) {
      boolean ok = true;
      for (int j = 0; j < d && ok; j++) {
        ok = Double.isFinite(nc.columns().get(j)[i]);
      }
      if (ok) {
        complete[kept++] = i;
      }
    }
    long incomplete = nc.rows() - kept;
    int[] order = inIdOrder(Arrays.copyOf(complete, kept), i -> nc.ids()[i]);
    double[][] raw = new double[order.length][d];
    List<String> ids = new ArrayList<>(order.length);
    List<BitSet> flags = new ArrayList<>();
    for (int k = 0; k < flagRules.size(); k++) {
      flags.add(new BitSet(order.length));
    }
    for (int r = 0; r < order.length; r++) {
      int i = order[r];
      ids.add(nc.ids()[i]);
      for (int j = 0; j < d; j++) {
        raw[r][j] = nc.columns().get(j)[i];
      }
      for (int k = 0; k < flags.size(); k++) {
        if (nc.flags().get(k).get(i)) {
          flags.get(k).set(r);
        }
      }
    }
    return new Rows(columns, ids, raw, flags, incomplete);
  }

  /** Any features, text traits one-hot encoded, read profile by profile. */
  private static Rows profileRows(Catalog catalog, Audiences audiences, Instant asOf, Rule universe, List<String> computed, List<String> stored, List<Rule> flagRules) {
    List<String> traits = new ArrayList<>(computed);
    traits.addAll(stored);
    List<Rule> segments = new ArrayList<>();
    segments.add(universe);
    segments.addAll(flagRules);
    List<String> rowIds = new ArrayList<>();
    List<double[]> computedRows = new ArrayList<>();
    List<Value[]> storedRows = new ArrayList<>();
    List<BitSet> rowFlags = new ArrayList<>();
    Map<String, Map<String, Integer>> levelCounts = new LinkedHashMap<>();
    long[] incomplete = {0};
    audiences.run(new AudienceQuery.Rows(traits, List.of(), segments, asOf, Purpose.ANALYTICS, row -> {
      if (!row.consented() || !row.segments().get(0)) {
        return;
      }
      double[] r = new double[computed.size()];
      for (int j = 0; j < r.length; j++) {
        r[j] = row.traits().get(j) instanceof Value.Num n ? n.value() : Double.NaN;
        if (!Double.isFinite(r[j])) {
          incomplete[0]++;
          return;
        }
      }
      Value[] t = new Value[stored.size()];
      for (int j = 0; j < t.length; j++) {
        t[j] = row.traits().get(computed.size() + j);
        if (t[j] instanceof Value.Str str) {
          levelCounts.computeIfAbsent(stored.get(j), k -> new HashMap<>()).merge(str.value(), 1, Integer::sum);
        }
      }
      rowIds.add(row.id());
      computedRows.add(r);
      storedRows.add(t);
      rowFlags.add(row.segments().get(1, segments.size()));
    }));
    List<String> columns = new ArrayList<>(computed);
    for (String f : stored) {
      if (levelCounts.containsKey(f)) {
        levelCounts.get(f).entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(MAX_LEVELS).forEach(e -> columns.add(f + "=" + e.getKey()));
      } else {
        columns.add(f);
      }
    }
    int[] all = new int[rowIds.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    List<String> ids = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    List<BitSet> flags = new ArrayList<>();
    for (int k = 0; k < flagRules.size(); k++) {
      flags.add(new BitSet());
    }
    for (int o : inIdOrder(all, rowIds::get)) {
      double[] r = Arrays.copyOf(computedRows.get(o), columns.size());
      Value[] t = storedRows.get(o);
      boolean complete = true;
      for (int c = computed.size(); c < columns.size(); c++) {
        String col = columns.get(c);
        int eq = col.indexOf('=');
        if (eq > 0) {
          Value v = t[stored.indexOf(col.substring(0, eq))];
          r[c] = v instanceof Value.Str str && str.value().equals(col.substring(eq + 1)) ? 1 : 0;
        } else {
          Value v = t[stored.indexOf(col)];
          r[c] = v instanceof Value.Num n ? n.value() : v instanceof Value.Bool b ? (b.value() ? 1 : 0) : Double.NaN;
          complete &= Double.isFinite(r[c]);
        }
      }
      if (complete) {
        for (int k = 0; k < flags.size(); k++) {
          if (rowFlags.get(o).get(k)) {
            flags.get(k).set(rows.size());
          }
        }
        ids.add(rowIds.get(o));
        rows.add(r);
      } else {
        incomplete[0]++;
      }
    }
    return new Rows(columns, ids, rows.toArray(new double[0][]), flags, incomplete[0]);
  }

  /**
   * The rows in profile-id order, whatever order the store streams them in: the order feeds seeded models (k-means++
   * picks seeds by row). Stores usually stream in that order already, which costs one pass to notice.
   */
  private static int[] inIdOrder(int[] rows, IntFunction<String> id) {
    boolean sorted = true;
    for (int i = 1; i < rows.length && sorted; i++) {
      sorted = id.apply(rows[i - 1]).compareTo(id.apply(rows[i])) < 0;
    }
    if (sorted) {
      return rows;
    }
    return Arrays.stream(rows).boxed().sorted(Comparator.comparing(id::apply)).mapToInt(Integer::intValue).toArray();
  }

  private static FeatureMatrix standardised(Rows rows) {
    List<String> features = rows.columns();
    double[][] raw = rows.raw();
    int n = raw.length;
    int d = features.size();
    double[][] z = new double[n][d];
    List<Boolean> logged = new ArrayList<>();
    // Column by column, on a contiguous copy: the statistics make several passes over each feature.
    double[] col = new double[n];
    for (int j = 0; j < d; j++) {
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        col[i] = raw[i][j];
        min = Math.min(min, col[i]);
      }
      boolean log = !features.get(j).contains("=") && n > 0 && min >= 0 && skew(col) > 1;
      logged.add(log);
      double mean = 0;
      for (int i = 0; i < n; i++) {
        if (log) {
          col[i] = Math.log1p(col[i]);
        }
        mean += col[i] / n;
      }
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (col[i] - mean) * (col[i] - mean) / n;
      }
      double sd = Math.sqrt(var) > 0 ? Math.sqrt(var) : 1;
      for (int i = 0; i < n; i++) {
        z[i][j] = (col[i] - mean) / sd;
      }
    }
    return new FeatureMatrix(List.copyOf(features), List.copyOf(rows.ids()), raw, z, List.copyOf(logged), rows.incomplete(), List.copyOf(rows.flags()));
  }

  /** Skewness from population moments. */
  static double skew(double[] x) {
    int n = x.length;
    double m = 0;
    for (double v : x) {
      m += v;
    }
    m /= n;
    double m2 = 0;
    double m3 = 0;
    for (double v : x) {
      double d = v - m;
      m2 += d * d;
      m3 += d * d * d;
    }
    m2 /= n;
    m3 /= n;
    return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
  }
}
