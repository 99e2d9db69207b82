package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Population scores written back into the lake (docs/lake.md, "Written back"): one table per model,
 * {@code scores/<model>/} ({@code profile_id} and the model's traits), replaced whole by each run, with the
 * provenance beside it in {@code scores/<model>/_provenance.properties} (Spark and Parquet readers skip files starting
 * with {@code _}). The profiles view reads the newest scores from then on ({@link SparkLakePorts#readScores}), as a
 * store's rules read its score columns.
 */
final class LakeScores implements Scores {
  static final String PROVENANCE = "_provenance.properties";
  private final SparkLakePorts ports;

  LakeScores(SparkLakePorts ports) {
    this.ports = ports;
  }

  static Path dir(Path lake) {
    return lake.resolve("scores");
  }

  @Override
  public void writeScores(ScoreProvenance provenance, List<String> traits, Map<String, List<Value>> scores) {
    if (!provenance.model().matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("model: not a table name: '" + provenance.model() + "'");
    }
    SparkLake lake = ports.lake();
    StructType columns = new StructType().add("profile_id", DataTypes.StringType, false);
    List<ValueType> types = new ArrayList<>();
    for (String t : traits) {
      TraitDef def = lake.schema().trait(t).orElseThrow(() -> new UserException("unknown trait '" + t + "' in the scores of " + provenance.model()));
      types.add(def.type());
      columns = columns.add(t, sparkType(def.type()));
    }
    List<Row> rows = new ArrayList<>(scores.size());
    for (Map.Entry<String, List<Value>> e : scores.entrySet()) {
      Object[] r = new Object[traits.size() + 1];
      r[0] = e.getKey();
      for (int i = 0; i < traits.size(); i++) {
        r[i + 1] = external(e.getValue().get(i), types.get(i));
      }
      rows.add(RowFactory.create(r));
    }
    Path table = dir(lake.dir()).resolve(provenance.model());
    Path staged = LakeDirectories.staging(lake.dir(), table);
    Dataset<Row> data = lake.session().createDataFrame(rows, columns);
    data.write().parquet(staged.toString());
    writeProvenance(staged.resolve(PROVENANCE), provenance, traits);
    LakeDirectories.swap(staged, table);
    ports.readScores();
  }

  @Override
  public Optional<ScoreProvenance> provenance(String trait) {
    Path scores = dir(ports.lake().dir());
    if (!Files.isDirectory(scores)) {
      return Optional.empty();
    }
    try (Stream<Path> models = Files.list(scores)) {
      for (Path m : models.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
        Path file = m.resolve(PROVENANCE);
        if (Files.isRegularFile(file)) {
          Properties p = read(file);
          if (Arrays.asList(p.getProperty("traits", "").split(",")).contains(trait)) {
            return Optional.of(provenance(p));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + scores, e);
    }
    return Optional.empty();
  }

  private static void writeProvenance(Path file, ScoreProvenance p, List<String> traits) {
    Properties out = new Properties();
    out.setProperty("model", p.model());
    out.setProperty("traits", String.join(",", traits));
    p.parameters().forEach((k, v) -> out.setProperty("parameter." + k, v));
    if (p.seed() != null) {
      out.setProperty("seed", p.seed().toString());
    }
    out.setProperty("as_of", p.asOf().toString());
    out.setProperty("computed_at", p.computedAt().toString());
    out.setProperty("command", p.command());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.store(w, "provenance of the scores in this directory (docs/lake.md)");
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    return p;
  }

  private static ScoreProvenance provenance(Properties p) {
    Map<String, String> parameters = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("parameter.")) {
        parameters.put(k.substring("parameter.".length()), p.getProperty(k));
      }
    }
    String seed = p.getProperty("seed");
    return new ScoreProvenance(p.getProperty("model"), parameters, seed == null ? null : Long.valueOf(seed), Instant.parse(p.getProperty("as_of")),
        Instant.parse(p.getProperty("computed_at")), p.getProperty("command", ""));
  }

  static DataType sparkType(ValueType type) {
    return switch (type) {
      case NUMBER -> DataTypes.DoubleType;
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampNTZType;
      case STRING_LIST -> DataTypes.createArrayType(DataTypes.StringType);
    };
  }

  /** The value as Spark's row encoder takes it for the column's type. */
  private static Object external(Value v, ValueType type) {
    if (v == null || v instanceof Value.NullValue) {
      return null;
    }
    return switch (type) {
      case NUMBER -> ((Value.Num) v).value();
      case STRING -> v instanceof Value.Str s ? s.value() : v.toString();
      case BOOLEAN -> ((Value.Bool) v).value();
      case DATE -> Date.valueOf(((Value.DateValue) v).value());
      case TIMESTAMP -> LocalDateTime.ofInstant(((Value.TimeValue) v).value(), ZoneOffset.UTC);
      case STRING_LIST -> ((Value.ListValue) v).items().stream().map(x -> x instanceof Value.Str s ? s.value() : x.toString()).toArray(String[]::new);
    };
  }
}
