package io.segmenta.bench;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.ShopGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * In-memory membership of one profile (what real-time segments run on every event): Segmenta's evaluator on a
 * rule mixing a trait and a windowed ratio, against a hand-written Java predicate computing the same thing.
 *
 * <pre>java -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     org.openjdk.jmh.Main EvaluatorBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EvaluatorBench {
  static final String RULE = "country in [\"DK\", \"NO\"] and count(order in last 365 days) >= 2"
      + " and sum(return.value in last 365 days) / sum(order.revenue in last 365 days) > 0.5";

  List<ProfileHistory> histories;
  Rule rule;
  Evaluator evaluator;
  Instant asOf;
  int i;

  @Setup
  public void setup() {
    ShopGenerator shop = ShopGenerator.standard();
    asOf = shop.asOf();
    histories = new ArrayList<>();
    shop.generate(0, 1000, 1000, b -> {
      for (var p : b.profiles()) {
        List<Event> evs = b.events().stream().filter(e -> e.profileId().equals(p.id())).toList();
        histories.add(new ProfileHistory(p, evs));
      }
    });
    rule = RuleText.parseRule(RULE);
    evaluator = Evaluator.strict(asOf, SegmentResolver.NONE);
  }

  @Benchmark
  public boolean segmenta() {
    ProfileHistory h = histories.get(i++ % histories.size());
    return evaluator.matches(rule, h);
  }

  @Benchmark
  public boolean handWritten() {
    ProfileHistory h = histories.get(i++ % histories.size());
    Value country = h.profile().trait("country");
    if (!(country instanceof Value.Str s) || !(s.value().equals("DK") || s.value().equals("NO"))) {
      return false;
    }
    Instant from = asOf.minus(Duration.ofDays(365));
    int orders = 0;
    double revenue = 0;
    double returned = 0;
    for (Event e : h.events()) {
      if (e.timestamp().isBefore(from) || e.timestamp().isAfter(asOf)) {
        continue;
      }
      if (e.type().equals("order")) {
        orders++;
        if (e.property("revenue") instanceof Value.Num n) {
          revenue += n.value();
        }
      } else if (e.type().equals("return") && e.property("value") instanceof Value.Num n) {
        returned += n.value();
      }
    }
    return orders >= 2 && revenue != 0 && returned / revenue > 0.5;
  }
}
