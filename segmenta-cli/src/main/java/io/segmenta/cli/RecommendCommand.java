package io.segmenta.cli;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.port.Interaction;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.recommend.Evaluation;
import io.segmenta.ml.recommend.Recommender;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = {"Product recommendations: for a profile (buys again and bought together), popular ones (overall or in a segment),",
        "or an offline evaluation of every method with a time split.",
        "Examples: segmenta recommend c0000042 -n 5 --new      segmenta recommend --popular --segment champions",
        "          segmenta recommend --evaluate --split 2011-09-01"})
final class RecommendCommand extends StoreCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PROFILE", description = "The profile id to recommend for (not with --popular or --evaluate).")
  String profile;

  @Option(names = "-n", defaultValue = "10", description = "How many (default 10).")
  int n;

  @Option(names = "--new", description = "Only products the customer has not bought.")
  boolean onlyNew;

  @Option(names = "--category", description = "Only this category.")
  String category;

  @Option(names = "--min-price")
  Double minPrice;

  @Option(names = "--max-price")
  Double maxPrice;

  @Option(names = "--per-category", defaultValue = "0", description = "At most this many per category, for diversity (default no cap).")
  int perCategory;

  @Option(names = "--unavailable", paramLabel = "FILE", description = "Product ids that cannot be sold now (out of stock), one per line.")
  Path unavailable;

  @Option(names = "--popular", description = "The most bought products (with --segment: among its members).")
  boolean popular;

  @Option(names = "--segment", description = "With --popular: a saved segment or a rule.")
  String segment;

  @Option(names = "--evaluate", description = "Evaluate every method offline: train before --split, test after (P@k, R@k, NDCG@k, MAP@k, coverage).")
  boolean evaluate;

  @Option(names = "--split", description = "With --evaluate: the date that splits training from test.")
  String split;

  @Option(names = "-k", defaultValue = "10", description = "With --evaluate: the list length (default 10).")
  int k;

  @Override
  public Integer call() {
    if (n < 1 || n > 100) {
      throw new UserException("-n must be between 1 and 100, got " + n);
    }
    PrintWriter out = spec.commandLine().getOut();
    ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
    try (Store s = store.openReadOnly()) {
      Instant now = Clock.systemUTC().instant();
      if (evaluate) {
        if (split == null) {
          throw new UserException("--evaluate needs --split DATE: training uses the purchases before it, the test those after");
        }
        List<Interaction> purchases = new ArrayList<>();
        bar.update("reading purchases", 0, 1);
        s.activity().interactions("order_line", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), purchases::add);
        bar.update("reading purchases", 1, 1);
        bar.update("evaluating", 0, 1);
        Evaluation.Report r = Evaluation.timeSplit(purchases, StoreOptions.instant("--split", split), k, Recommender.Options.DEFAULT);
        bar.update("evaluating", 1, 1);
        out.printf("trained on %,d interactions before %s (%,d customers, %,d products) in %,d ms%n", r.model().interactions(), r.split(),
            r.model().customers(), r.model().products(), r.model().buildTime().toMillis());
        out.print(Evaluation.table(r));
        return 0;
      }
      // The progress line says which it is: the kept model loaded, or a new one built (ModelCache).
      ModelCache.Loaded loaded = ModelCache.recommender(s, store.config().dataDir(), now, Recommender.Options.DEFAULT, bar);
      Recommender r = loaded.model();
      Set<String> out0 = unavailable == null ? Set.of() : readIds(unavailable);
      Recommender.Filter f = new Recommender.Filter(onlyNew, category, minPrice == null ? Double.NaN : minPrice, maxPrice == null ? Double.NaN : maxPrice,
          out0.isEmpty() ? null : id -> !out0.contains(id), perCategory);
      List<Recommender.Item> items;
      if (popular) {
        items = segment == null ? r.popular(n, f, Set.of())
            : r.popularAmong(s.audiences().run(new AudienceQuery.Page(new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).ruleOf(segment), now, 0, Integer.MAX_VALUE)), n, f);
      } else if (profile != null) {
        // Whether it exists, not its history: reading one profile's events scans the events table.
        if (!s.profiles().exists(profile)) {
          throw new UserException("there is no profile '" + profile + "'");
        }
        items = r.personal(profile, n, f);
      } else {
        throw new UserException("name a PROFILE, or use --popular or --evaluate");
      }
      List<List<String>> rows = new ArrayList<>();
      int rank = 1;
      for (Recommender.Item i : items) {
        rows.add(List.of(Integer.toString(rank++), i.productId(), Output.plain(i.score()), i.reason()));
      }
      Charts.table(out, List.of("#", "product", "score", "why"), rows);
      out.printf("recommender %s in %,d ms from %,d interactions (%,d customers, %,d products)%n",
          loaded.reused() ? "kept from an earlier call (the data has not changed); it was built" : "built",
          r.provenance().buildTime().toMillis(), r.provenance().interactions(), r.provenance().customers(), r.provenance().products());
    }
    return 0;
  }

  static Set<String> readIds(Path file) {
    try {
      return Set.copyOf(Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
    } catch (IOException e) {
      throw new UserException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
