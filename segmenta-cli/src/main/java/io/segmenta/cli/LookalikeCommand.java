package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.ml.cluster.Segmentation;
import io.segmenta.ml.lookalike.Lookalikes;
import io.segmenta.ml.lookalike.LookalikesJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lookalike", mixinStandardHelpOptions = true,
    description = {"Customers most like a segment (a model of the segment against everyone on computed traits), in tiers of the",
        "closest 1, 2, 5 and 10 %%; seed members excluded, optionally constrained ('like them, but ...'). Scores are kept as a trait,",
        "so a tier saves as an ordinary segment. --evaluate hides part of the seed and reports what each tier recovers."})
final class LookalikeCommand extends ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SEED", description = "A saved segment or a rule.")
  String seed;

  @Option(names = "--like-but", paramLabel = "RULE", description = "Only candidates meeting this rule, e.g. 'return_rate < 0.2'.")
  String constraint;

  @Option(names = "--features", split = ",", description = {"Traits to compare on (default: those of 'segmenta cluster'; when most of the seed has no",
      "orders, the stored traits that describe people, except those the seed's rule reads)."})
  List<String> features = new ArrayList<>(Segmentation.DEFAULT_FEATURES);

  @Option(names = "--name", description = "Name of the score trait lookalike_NAME (default: the seed's name).")
  String name;

  @Option(names = "--save", paramLabel = "SEGMENT", description = "Save a tier as this segment (with --tier).")
  String save;

  @Option(names = "--tier", defaultValue = "5", description = "The tier --save saves: 1, 2, 5 or 10 (percent; default 5).")
  int tier;

  @Option(names = "--evaluate", description = "Hide half of the seed, fit on the rest, and report the share each tier recovers.")
  boolean evaluate;

  @Override
  public Integer call() {
    if (tier != 1 && tier != 2 && tier != 5 && tier != 10) {
      throw new UserException("--tier must be 1, 2, 5 or 10, got " + tier);
    }
    try (Store s = store.open()) {
      Segments segs = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
      Rule seedRule = segs.ruleOf(seed);
      Rule like = constraint == null ? null : segs.ruleOf(constraint);
      Instant at = report.asOf(s);
      Lookalikes.Sources sources = new Lookalikes.Sources(s.catalog(), s.audiences(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
      List<Lookalikes.Recovery> recovery = evaluate ? Lookalikes.evaluate(sources, at, seedRule, features, 0.5, 42) : null;
      String n = name != null ? name : seed.matches("[a-z0-9_-]+") ? seed.replace('-', '_') : "seed";
      Lookalikes.Result r = Lookalikes.find(sources, at, seed, seedRule, like, features, n);
      if (save != null) {
        Lookalikes.TierRule t = r.tiers().stream().filter(x -> Math.round(x.share() * 100) == tier).findFirst().orElseThrow();
        segs.save(save, t.rule(), "lookalike of " + seed + ", closest " + tier + " %");
      }
      if (report.format() == Output.Format.JSON) {
        Output.json(out(), LookalikesJson.of(at, recovery, r, save));
        return 0;
      }
      out().println("Lookalikes " + report.asOfLine());
      if (r.note() != null) {
        out().println("note: " + r.note());
      }
      out().printf(Locale.ROOT, "seed %s: %,d customers; %,d candidates%s; scores in trait %s%n", r.seed(), r.seedMembers(), r.candidates(),
          like == null ? "" : " meeting the constraint", r.trait());
      List<List<String>> rows = new ArrayList<>();
      for (Lookalikes.TierRule t : r.tiers()) {
        rows.add(List.of(String.format(Locale.ROOT, "closest %.0f %%", 100 * t.share()), String.format(Locale.ROOT, "%,d", t.size()), t.rule()));
      }
      Charts.table(out(), List.of("tier", "customers", "segment rule"), rows);
      if (evaluate) {
        out().println();
        out().println("With half of the seed hidden, each tier finds (lift = share found / share of candidates):");
        for (Lookalikes.Recovery x : recovery) {
          out().printf(Locale.ROOT, "  closest %.0f %%: %s of %s hidden members, lift %.2f%n", 100 * x.share(), x.found(), x.hidden(), x.lift());
        }
      }
      if (save != null) {
        out().println("saved segment " + save);
      }
    }
    return 0;
  }
}
