package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.ml.cluster.Segmentation;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.segmenta.ml.cluster.SegmentationJson;

@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Propose segments from the data: k-means on computed traits (skewed ones logged, all standardised), k chosen by the",
        "silhouette (Calinski-Harabasz beside it), each cluster profiled, named and explained as an editable rule with its fidelity."})
final class ClusterCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--features", split = ",", description = {"Traits to cluster on (default: days_since_last_order, orders, net_revenue, return_rate,",
      "discount_share, tenure_days; when most profiles have no orders, the stored traits that describe them)."})
  List<String> features = new ArrayList<>(Segmentation.DEFAULT_FEATURES);

  @Option(names = "--k", description = "Number of clusters; default: proposed from 2..8 by the silhouette.")
  Integer k;

  @Option(names = "--method", defaultValue = "kmeans", description = "kmeans (default; k by silhouette) or gmm (Gaussian mixture for elongated groups; k by BIC).")
  String method;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42); the same seed gives the same clusters.")
  long seed;

  @Option(names = "--save", paramLabel = "PREFIX", description = "Save each cluster's rule as the segment PREFIX-1, PREFIX-2, ...")
  String save;

  @Override
  public Integer call() {
    if (k != null && (k < 2 || k > 20)) {
      throw new UserException("--k must be between 2 and 20, got " + k);
    }
    try (Store s = store.open()) {
      Segmentation.Method m;
      try {
        m = Segmentation.Method.valueOf(method.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserException("--method must be kmeans or gmm, got '" + method + "'");
      }
      Segmentation.Result r = Segmentation.run(s.catalog(), s.audiences(), report.asOf(s), features, 2, 8, k, seed, m);
      List<String> saved = save == null ? List.of() : Segmentation.saveRules(s.catalog(), s.segmentDefinitions(), s.scores(), r, save, Clock.systemUTC());
      if (report.format() != Output.Format.JSON) {
        out().println("Clusters " + report.asOfLine());
      }
      print(out(), r, report.format(), saved);
    }
    return 0;
  }

  static void print(PrintWriter out, Segmentation.Result r, Output.Format fmt, List<String> saved) {
    if (fmt == Output.Format.JSON) {
      Output.json(out, SegmentationJson.toJson(r, saved));
      return;
    }
    if (r.note() != null) {
      out.println("note: " + r.note());
    }
    // The skewed features taken as logarithms, by name: a list of 27 true/false said little.
    List<String> logged = new ArrayList<>();
    for (int i = 0; i < r.features().size() && i < r.logged().size(); i++) {
      if (r.logged().get(i)) {
        logged.add(r.features().get(i));
      }
    }
    out.printf(Locale.ROOT, "%,d customers, features %s%s%n", r.customers(), r.features(),
        logged.isEmpty() ? " (none skewed enough to be logged)" : " (logged: " + String.join(", ", logged) + ")");
    List<List<String>> c = new ArrayList<>();
    for (Segmentation.Candidate x : r.candidates()) {
      c.add(List.of(Integer.toString(x.k()), Output.money(x.inertia()), String.format(Locale.ROOT, "%.3f", x.silhouette()),
          String.format(Locale.ROOT, "%.1f", x.calinskiHarabasz()), Double.isNaN(x.bic()) ? "-" : Output.money(x.bic()), x.k() == r.k() ? "<-" : ""));
    }
    Charts.table(out, List.of("k", "inertia", "silhouette", "Calinski-Harabasz", "BIC", "chosen"), c);
    out.println();
    List<Charts.Bar> bars = new ArrayList<>();
    for (Segmentation.Profile p : r.clusters()) {
      bars.add(new Charts.Bar("cluster " + (p.cluster() + 1), p.size(), p.name()));
    }
    Charts.bars(out, bars, r.customers(), 30);
    out.println();
    out.printf(Locale.ROOT, "Rules (a depth-3 tree; fidelity %.1f %%: the share of customers the rules place where the clustering did):%n", 100 * r.fidelity());
    for (Segmentation.Profile p : r.clusters()) {
      out.printf(Locale.ROOT, "  cluster %d, %s: %s%n    %s  [precision %.2f, recall %.2f]%n", p.cluster() + 1, p.name(),
          String.join("; ", p.distinguishing()), p.explanation().rule() == null ? "(no rule at this depth)" : p.explanation().rule(),
          p.explanation().precision(), p.explanation().recall());
    }
    if (!saved.isEmpty()) {
      out.println("saved segments: " + String.join(", ", saved));
    }
  }
}
