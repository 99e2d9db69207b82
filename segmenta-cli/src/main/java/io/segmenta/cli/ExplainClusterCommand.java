package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.cluster.Segmentation;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain-cluster", mixinStandardHelpOptions = true,
    description = {"One cluster of 'segmenta cluster' (the same options give the same clusters) as a rule of the segment language:",
        "its profile, the rule, how faithful it is, and with --save the rule as an ordinary, editable segment."})
final class ExplainClusterCommand extends ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster's number, as 'segmenta cluster' prints it.")
  int cluster;

  @Option(names = "--features", split = ",", description = "As for 'segmenta cluster'.")
  List<String> features = new ArrayList<>(Segmentation.DEFAULT_FEATURES);

  @Option(names = "--k", description = "As for 'segmenta cluster' (default: proposed by the silhouette).")
  Integer k;

  @Option(names = "--seed", defaultValue = "42", description = "As for 'segmenta cluster' (default 42).")
  long seed;

  @Option(names = "--save", paramLabel = "SEGMENT", description = "Save the rule as this segment.")
  String save;

  @Override
  public Integer call() {
    try (Store s = store.open()) {
      Segmentation.Result r = Segmentation.run(s.catalog(), s.audiences(), report.asOf(s), features, 2, 8, k, seed);
      if (cluster < 1 || cluster > r.k()) {
        throw new UserException("CLUSTER must be between 1 and " + r.k() + ", got " + cluster);
      }
      Segmentation.Profile p = r.clusters().get(cluster - 1);
      if (p.explanation().rule() == null) {
        throw new UserException("cluster " + cluster + " has no rule at depth 3 (no leaf of the tree predicts it)");
      }
      PrintWriter out = out();
      out.printf(Locale.ROOT, "cluster %d of %d: %s, %,d customers, %s%n", cluster, r.k(), p.name(), p.size(), report.asOfLine());
      p.distinguishing().forEach(d -> out.println("  " + d));
      out.println("rule: " + p.explanation().rule());
      out.printf(Locale.ROOT, "precision %.2f (share of the rule's customers in the cluster), recall %.2f (share of the cluster the rule finds)%n",
          p.explanation().precision(), p.explanation().recall());
      if (save != null) {
        new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).save(save, p.explanation().rule(), "cluster " + cluster + ": " + p.name());
        out.println("saved segment " + save + " (edit it like any other: segmenta segment save " + save + " '...')");
      }
    }
    return 0;
  }
}
