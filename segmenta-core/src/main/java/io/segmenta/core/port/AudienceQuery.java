package io.segmenta.core.port;

import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One question to the audience engine ({@link Audiences#run}): which profiles (a rule at an instant), for which
 * purpose, and what is wanted of them: a count, a sample, a page of ids, their keys, an export, measures, profile
 * rows or number columns. Each shape says what it answers ({@code R}); an engine answers every shape through
 * {@link Engine}, so adding a shape is a compile error in every engine until it answers it.
 */
public sealed interface AudienceQuery<R> {

  /** Answers this query on an engine. */
  R accept(Engine engine);

  /** What an engine implements: one answer per query shape. */
  interface Engine {
    long count(Count q);

    long sample(Sample q);

    List<String> page(Page q);

    long[] keys(Keys q);

    long export(Export q);

    void values(Values q);

    void rows(Rows q);

    NumberColumns columns(Columns q);

    FunnelCounts funnel(Funnel q);
  }

  /** How many profiles the rule selects at {@code asOf}. */
  record Count(Rule rule, Instant asOf) implements AudienceQuery<Long> {
    @Override
    public Long accept(Engine engine) {
      return engine.count(this);
    }
  }

  /**
   * An estimate of {@link Count} from a fixed one-in-{@code modulus} sample of profiles (by internal key), for
   * previews while a rule is being written: scaled up.
   */
  record Sample(Rule rule, Instant asOf, int modulus) implements AudienceQuery<Long> {
    @Override
    public Long accept(Engine engine) {
      return engine.sample(this);
    }
  }

  /** Member ids in profile id order, a page at a time. */
  record Page(Rule rule, Instant asOf, long offset, int limit) implements AudienceQuery<List<String>> {
    @Override
    public List<String> accept(Engine engine) {
      return engine.page(this);
    }
  }

  /** The internal keys of the members, ascending: for set operations between segments (overlaps). */
  record Keys(Rule rule, Instant asOf) implements AudienceQuery<long[]> {
    @Override
    public long[] accept(Engine engine) {
      return engine.keys(this);
    }
  }

  /**
   * Streams every member with its identifiers and the named traits, leaving out members whose consent does not
   * allow the purpose the export is for (see {@link Purpose}); answers how many were streamed.
   */
  record Export(Rule rule, Instant asOf, List<String> traits, Purpose purpose, Consumer<Member> sink) implements AudienceQuery<Long> {
    @Override
    public Long accept(Engine engine) {
      return engine.export(this);
    }
  }

  /** For every member of the rule, the values of the measures at {@code asOf}, in a stable order (the order profiles were first stored in). */
  record Values(Rule rule, Instant asOf, List<Measure> measures, BiConsumer<String, List<Value>> sink) implements AudienceQuery<Void> {
    @Override
    public Void accept(Engine engine) {
      engine.values(this);
      return null;
    }
  }

  /**
   * Every profile in one pass: its identifiers of the given kinds, the named traits (stored, or computed at
   * {@code asOf}), its membership in each of {@code segments} at {@code asOf}, and whether its consent allows
   * {@code purpose}. What the decision API loads into memory.
   */
  record Rows(List<String> traits, List<String> identifierKinds, List<Rule> segments, Instant asOf, Purpose purpose,
      Consumer<ProfileRow> sink) implements AudienceQuery<Void> {
    @Override
    public Void accept(Engine engine) {
      engine.rows(this);
      return null;
    }
  }

  /**
   * The profiles meeting {@code universe} at {@code asOf} whose consent allows {@code purpose}, as columns: the named
   * number or boolean traits (stored, or computed at {@code asOf}; booleans as 0/1), and whether each meets each of
   * {@code flags}. Rows come in the store's own order (for the embedded store, the order profiles were first written in).
   */
  record Columns(Rule universe, List<String> traits, List<Rule> flags, Instant asOf, Purpose purpose) implements AudienceQuery<NumberColumns> {
    @Override
    public NumberColumns accept(Engine engine) {
      return engine.columns(this);
    }
  }

  /**
   * For a rule being written (issue 18, "before saving"): in one pass over the profiles (all, or a one-in-{@code
   * modulus} sample by key when {@code modulus > 1}), how many meet the first step, the first two, ... all of them,
   * and how many of those meeting all allow each purpose; with the engine's count of rows scanned and the time taken.
   */
  record Funnel(List<Rule> steps, Instant asOf, int modulus, List<Purpose> purposes) implements AudienceQuery<FunnelCounts> {
    public Funnel {
      steps = List.copyOf(steps);
      purposes = List.copyOf(purposes);
    }

    @Override
    public FunnelCounts accept(Engine engine) {
      return engine.funnel(this);
    }
  }
}
