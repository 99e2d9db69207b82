package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.sql.SparkDialect;
import io.segmenta.sql.SqlCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A lake opened for the CLI and the Spark application ({@link Lake}): the Spark ports over one {@link SparkLake}, its
 * saved segments (so rules may name them), the scores written back (joined into the profiles view, so a rule reading
 * {@code rfm_group} reads the newest), and the write-backs. Closing stops the Spark session when this lake started it.
 */
final class SparkLakePorts implements Lake {
  private final SparkLake lake;
  private final boolean stopOnClose;
  private final LakeSegments segments;
  private final LakeScores scores;
  private final SparkBatchAudiences audiences;
  private final SparkAudiences members;
  private final SparkActivity activity;
  private final SparkExperimentReads experiments;
  private final SqlCompiler compiler;

  SparkLakePorts(SparkLake lake, boolean stopOnClose) {
    this.lake = lake;
    this.stopOnClose = stopOnClose;
    this.segments = new LakeSegments(lake);
    this.scores = new LakeScores(this);
    SegmentResolver resolver = segments.resolver();
    readScores();
    this.audiences = new SparkBatchAudiences(lake, resolver);
    this.members = new SparkAudiences(lake, resolver);
    this.activity = new SparkActivity(lake);
    this.experiments = new SparkExperimentReads(lake, resolver);
    this.compiler = new SqlCompiler(lake.schema(), SparkDialect.INSTANCE, resolver);
  }

  SparkLake lake() {
    return lake;
  }

  /**
   * The profiles view with the scores written back: each {@code scores/<model>/} table's traits replace the
   * profiles' columns of those names (a profile without a row there has none), as a store's new scores replace its old.
   */
  void readScores() {
    Dataset<Row> profiles = lake.session().read().parquet(lake.dir().resolve("profiles").toString());
    Path dir = LakeScores.dir(lake.dir());
    if (Files.isDirectory(dir)) {
      try (Stream<Path> models = Files.list(dir)) {
        for (Path m : models.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p)).sorted().toList()) {
          Dataset<Row> s = lake.session().read().parquet(m.toString());
          String[] traits = Arrays.stream(s.columns()).filter(c -> !c.equals("profile_id")).toArray(String[]::new);
          profiles = profiles.drop(traits).join(s, profiles.col("profile_id").equalTo(s.col("profile_id")), "left_outer").drop(s.col("profile_id"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not list " + dir, e);
      }
    }
    profiles.createOrReplaceTempView("profiles");
  }

  @Override
  public Path dir() {
    return lake.dir();
  }

  @Override
  public Catalog catalog() {
    return new Catalog() {
      @Override
      public Schema schema() {
        return lake.schema();
      }

      @Override
      public Schema declareTrait(TraitDef trait) {
        throw refused(trait.name());
      }

      @Override
      public Schema declareProperty(PropertyDef property, List<String> eventTypes) {
        throw refused(property.name());
      }

      private UserException refused(String name) {
        return new UserException("cannot declare '" + name + "' on a lake: its schema is its pipeline's (schema_traits, schema_properties; docs/lake.md)");
      }
    };
  }

  @Override
  public Definitions<SegmentDefinition> segmentDefinitions() {
    return segments;
  }

  @Override
  public Scores scores() {
    return scores;
  }

  @Override
  public Audiences audiences() {
    return audiences;
  }

  @Override
  public Activity activity() {
    return activity;
  }

  @Override
  public ExperimentReads experimentReads() {
    return experiments;
  }

  @Override
  public long profileCount() {
    return lake.session().sql("SELECT count(*) FROM profiles").first().getLong(0);
  }

  @Override
  public Optional<Instant> lastEvent() {
    Row r = lake.session().sql("SELECT max(ts) FROM events").first();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(SparkValues.instant(r.get(0)));
  }

  @Override
  public Recomputed writeMembership(String segment, Rule rule, Instant asOf, Consumer<MembershipChange> changes) {
    return LakeMemberships.write(lake, members, segment, rule, asOf, changes);
  }

  @Override
  public long exportMembers(Rule rule, Instant asOf, List<String> traits, Purpose purpose, Path out) {
    return ParquetMembers.write(lake, compiler, rule, asOf, traits, purpose, out);
  }

  @Override
  public void close() {
    if (stopOnClose) {
      lake.session().stop();
    }
  }
}
