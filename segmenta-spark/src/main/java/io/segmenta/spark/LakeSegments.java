package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The lake's saved segments ({@code segments/}: name, rule, description, updated_at) as the {@link Definitions} port:
 * read once when the lake opens (a few hundred rows at most), and written whole on a save or a delete (the
 * segments {@code segmenta rfm} saves, for instance), the view the SQL reads replaced with it.
 */
final class LakeSegments implements Definitions<SegmentDefinition> {
  private static final StructType COLUMNS = new StructType().add("name", DataTypes.StringType, false).add("rule", DataTypes.StringType, false)
      .add("description", DataTypes.StringType).add("updated_at", DataTypes.TimestampNTZType);

  private final SparkLake lake;
  private final TreeMap<String, SegmentDefinition> saved = new TreeMap<>();

  LakeSegments(SparkLake lake) {
    this.lake = lake;
    if (Files.isDirectory(table())) {
      for (Row r : lake.session().sql("SELECT name, rule, description, updated_at FROM segments").collectAsList()) {
        saved.put(r.getString(0), new SegmentDefinition(r.getString(0), r.getString(1), r.isNullAt(2) ? "" : r.getString(2),
            r.isNullAt(3) ? null : SparkValues.instant(r.get(3))));
      }
    }
  }

  private Path table() {
    return lake.dir().resolve("segments");
  }

  @Override
  public synchronized SegmentDefinition save(SegmentDefinition definition) {
    saved.put(definition.name(), definition);
    write();
    return definition;
  }

  @Override
  public synchronized Optional<SegmentDefinition> find(String key) {
    return Optional.ofNullable(saved.get(key));
  }

  @Override
  public synchronized List<SegmentDefinition> all() {
    return List.copyOf(saved.values());
  }

  @Override
  public synchronized boolean delete(String key) {
    if (saved.remove(key) == null) {
      return false;
    }
    write();
    return true;
  }

  /**
   * These segments as a resolver, so a rule {@code in segment "X"} compiles on Spark as on the store: each rule
   * parsed when first asked for, and again after a save replaced it. A rule text that does not parse is the lake
   * writer's mistake and names the segment.
   */
  SegmentResolver resolver() {
    return new SegmentResolver() {
      @Override
      public Optional<Rule> find(String name) {
        return LakeSegments.this.find(name).map(d -> parse(d));
      }

      @Override
      public List<String> names() {
        return all().stream().map(SegmentDefinition::name).toList();
      }
    };
  }

  private Rule parse(SegmentDefinition d) {
    try {
      return RuleText.parseRule(d.rule());
    } catch (RuleException e) {
      throw new UserException("lake: the rule of segment '" + d.name() + "' in " + table() + " does not parse: " + e.getMessage());
    }
  }

  private void write() {
    List<Row> rows = new ArrayList<>();
    for (SegmentDefinition d : saved.values()) {
      rows.add(RowFactory.create(d.name(), d.rule(), d.description(), d.updatedAt() == null ? null : LocalDateTime.ofInstant(d.updatedAt(), ZoneOffset.UTC)));
    }
    Dataset<Row> table = lake.session().createDataFrame(rows, COLUMNS).coalesce(1);
    LakeDirectories.replace(table, lake.dir(), table());
    lake.session().read().parquet(table().toString()).createOrReplaceTempView("segments");
  }
}
