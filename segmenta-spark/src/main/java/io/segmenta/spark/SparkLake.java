package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.sql.SparkDialect;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A lake (docs/lake.md) opened in a Spark session of its own ({@code newSession()}: its views and SQL settings
 * are its own, the cluster and cache are shared): every table of the layout is a temporary view under the name
 * the compiled SQL reads ({@code profiles}, {@code events}, {@code order_lines}, ...), and the lake's schema
 * (the standard one plus its {@code schema_traits} and {@code schema_properties}) is read once. With a
 * {@code consents} table, the view {@code consent_choices} (pkey, purpose, granted) holds each person's choice in
 * effect per purpose, by {@link ConsentPolicy}'s order; the {@code segments} table is the lake's
 * {@link SegmentResolver} ({@link #segments}).
 */
public final class SparkLake {
  /** The layout version this reader understands ({@code layout=} in {@code lake.properties}). */
  public static final int LAYOUT = 1;
  /** Tables every lake has; the others may be absent (a shop's pipeline need not write them). */
  static final List<String> REQUIRED = List.of("profiles", "events");
  static final List<String> OPTIONAL = List.of("identifiers", "order_lines", "consents", "schema_traits", "schema_properties", "segments");

  private final SparkSession session;
  private final Path dir;
  private final Schema schema;

  private SparkLake(SparkSession session, Path dir, Schema schema) {
    this.session = session;
    this.dir = dir;
    this.schema = schema;
  }

  /** Opens the lake in {@code dir} in a new session of {@code spark}; a missing or foreign directory is the user's mistake. */
  public static SparkLake open(SparkSession spark, Path dir) {
    Path lake = dir.toAbsolutePath().normalize();
    Path props = lake.resolve("lake.properties");
    if (!Files.isRegularFile(props)) {
      throw new UserException("lake: no lake.properties in " + lake + " (write one with segmenta export-store --format parquet, or see docs/lake.md)");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + props, e);
    }
    String layout = p.getProperty("layout", "");
    if (!layout.equals(Integer.toString(LAYOUT))) {
      throw new UserException("lake: layout must be " + LAYOUT + ", not '" + layout + "' in " + props);
    }
    SparkSession session = spark.newSession();
    for (String statement : SparkDialect.INSTANCE.setup()) {
      session.sql(statement);
    }
    for (String t : REQUIRED) {
      if (!Files.isDirectory(lake.resolve(t))) {
        throw new UserException("lake: the table directory '" + t + "' is missing in " + lake);
      }
    }
    for (String t : REQUIRED) {
      session.read().parquet(lake.resolve(t).toString()).createOrReplaceTempView(t);
    }
    for (String t : OPTIONAL) {
      if (Files.isDirectory(lake.resolve(t))) {
        session.read().parquet(lake.resolve(t).toString()).createOrReplaceTempView(t);
      }
    }
    if (Files.isDirectory(lake.resolve("consents"))) {
      // One row per (person, purpose): the first by ConsentPolicy's order (latest instant; at one instant, the withdrawal).
      session.sql("CREATE OR REPLACE TEMPORARY VIEW consent_choices AS SELECT pkey, purpose, granted FROM (SELECT pkey, purpose, granted,"
          + " row_number() OVER (PARTITION BY pkey, purpose ORDER BY " + ConsentPolicy.sqlLatestFirst("ts", "granted") + ") AS _n FROM consents) WHERE _n = 1");
    }
    return new SparkLake(session, lake, schema(session, lake));
  }

  /** Whether the lake has the table {@code name} (the optional ones of the layout may be absent). */
  public boolean has(String name) {
    return Files.isDirectory(dir.resolve(name)) && (REQUIRED.contains(name) || OPTIONAL.contains(name));
  }

  /**
   * The lake's saved segments ({@code segments}: name, rule text) as a resolver, so a rule {@code in segment "X"}
   * compiles on Spark as on the store: read once, each rule parsed when first asked for; none without the table.
   * A rule text that does not parse is the lake writer's mistake and names the segment.
   */
  public SegmentResolver segments() {
    return new LakeSegments(this).resolver();
  }

  /** The standard schema with the lake's declared traits, properties and event types (as the store reads its own). */
  private static Schema schema(SparkSession session, Path lake) {
    Schema schema = Schema.standard();
    if (Files.isDirectory(lake.resolve("schema_traits"))) {
      for (Row r : session.sql("SELECT name, type, family, description FROM schema_traits ORDER BY name").collectAsList()) {
        schema = schema.withTrait(new TraitDef(r.getString(0), ValueType.parse(r.getString(1)), Family.parse(r.getString(2)), r.getString(3)));
      }
    }
    if (Files.isDirectory(lake.resolve("schema_properties"))) {
      for (Row r : session.sql("SELECT name, type, description, event_types FROM schema_properties ORDER BY name").collectAsList()) {
        PropertyDef def = new PropertyDef(r.getString(0), ValueType.parse(r.getString(1)), r.getString(2));
        schema = schema.withProperty(def);
        List<Object> types = r.isNullAt(3) ? List.of() : r.getList(3);
        for (Object type : types) {
          schema = schema.withEventType(new EventTypeDef(type.toString(), List.of(def.name()), false, "declared"));
        }
      }
    }
    return schema;
  }

  /** The session the lake's views live in. */
  public SparkSession session() {
    return session;
  }

  /** The lake's directory. */
  public Path dir() {
    return dir;
  }

  /** The lake's schema. */
  public Schema schema() {
    return schema;
  }

  /** Runs compiled SQL with its parameters written in as literals ({@link SparkLiterals}). */
  Dataset<Row> query(String sql, List<Object> params) {
    return session.sql(SparkLiterals.inline(sql, params));
  }
}
