package io.segmenta.bench;

import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Decision;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Targeting;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.ShopGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One assignment, as the decision endpoint makes it: GrowthBook's full run (kill switch, hash attribute, namespace,
 * targeting, hash, bucket ranges) for an experiment targeted at a segment. Three ways to know the segment: a
 * membership set (what real-time segments keep per profile), and the in-memory evaluator deciding a trait rule on
 * the profile at call time; the peer is the bare FNV-1a hash of the same id (issue #5's anchor: 58-165 ns on JDK 17).
 *
 * <pre>java -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     org.openjdk.jmh.Main AssignmentBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AssignmentBench {
  static final int N = 1024;
  Experiment experiment;
  Unit[] bySet;
  Unit[] byRule;
  String[] ids;
  int i;

  @Setup
  public void setup() {
    experiment = new Experiment("hero-banner", null, new Allocation(List.of(new Variant("control", 0.5, Value.NULL), new Variant("big-hero", 0.5, Value.NULL)),
        0.8, new Allocation.Namespace("home", 0, 0.7), "id", null, 2, null, List.of(), null, true),
        new Targeting("nordic-adults", null), List.of(), Duration.ofDays(14), null, null, null);
    Rule rule = RuleText.parseRule("country in [\"DK\", \"NO\", \"SE\"] and age >= 25");
    ShopGenerator shop = ShopGenerator.standard();
    List<ProfileHistory> people = new ArrayList<>();
    shop.generate(0, N, N, b -> b.profiles().forEach(p -> people.add(new ProfileHistory(p, List.of()))));
    Evaluator ev = Evaluator.strict(shop.asOf(), name -> Optional.of(rule));
    bySet = new Unit[N];
    byRule = new Unit[N];
    ids = new String[N];
    for (int k = 0; k < N; k++) {
      ProfileHistory h = people.get(k);
      ids[k] = h.profile().id();
      Value attrs = new Value.ObjectValue(Map.of("id", new Value.Str(h.profile().id())));
      Set<String> member = new HashSet<>();
      if (ev.matches(rule, h)) {
        member.add("nordic-adults");
      }
      bySet[k] = Unit.of(attrs, member::contains);
      byRule[k] = Unit.of(attrs, name -> ev.matches(rule, h));
    }
  }

  @Benchmark
  public double bareHash() {
    return Assignment.hash("hero-banner", ids[i++ & (N - 1)], 2).getAsDouble();
  }

  @Benchmark
  public Decision decideWithMembershipSet() {
    return Assignment.decide(experiment, bySet[i++ & (N - 1)]);
  }

  @Benchmark
  public Decision decideEvaluatingTheSegmentRule() {
    return Assignment.decide(experiment, byRule[i++ & (N - 1)]);
  }

}
