package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.sql.SparkDialect;
import io.segmenta.sql.SqlCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A segment's members written as Parquet by the cluster (an export too large for one file on the driver):
 * {@code profile_id} and the traits asked for, stored traits read from the profiles and computed ones measured from
 * the events as the embedded store's export measures them, only the profiles whose consent allows the purpose by
 * {@link ConsentPolicy} (their latest choice for it, a withdrawal winning a tie; none: analytics allowed, the opt-in
 * purposes refused).
 */
final class ParquetMembers {
  private ParquetMembers() {}

  static long write(SparkLake lake, SqlCompiler compiler, Rule rule, Instant asOf, List<String> traitNames, Purpose purpose, Path out) {
    if (Files.exists(out)) {
      throw new UserException("--output: " + out + " already exists; a Parquet export writes a new directory");
    }
    List<TraitDef> traits = new ArrayList<>();
    for (String n : traitNames) {
      traits.add(lake.schema().trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "' in the export column list")));
    }
    StringBuilder cols = new StringBuilder("p.profile_id, p.pkey");
    List<String> names = new ArrayList<>(List.of("profile_id", "pkey"));
    List<Measure> computed = new ArrayList<>();
    List<String> computedNames = new ArrayList<>();
    for (TraitDef t : traits) {
      if (t.stored()) {
        cols.append(", p.").append(SparkDialect.INSTANCE.quote(t.name()));
        names.add(t.name());
      } else {
        computed.add(ComputedTraits.definition(t.name()).orElseThrow(() -> new UserException("trait '" + t.name() + "' is neither stored nor computed")));
        computedNames.add(t.name());
      }
    }
    names.addAll(computedNames);
    SqlCompiler.SqlQuery q = compiler.selectWithMeasures(rule, asOf, cols.toString(), computed, "");
    lake.query(q.sql(), q.params()).toDF(names.toArray(String[]::new)).createOrReplaceTempView("_export");
    String latest = lake.session().catalog().tableExists("consents")
        ? "(SELECT pkey, granted FROM (SELECT pkey, granted, row_number() OVER (PARTITION BY pkey ORDER BY " + ConsentPolicy.sqlLatestFirst("ts", "granted")
            + ") AS _n FROM consents WHERE purpose = " + SparkLiterals.string(purpose.label()) + ") WHERE _n = 1)"
        : "(SELECT CAST(NULL AS BIGINT) AS pkey, CAST(NULL AS BOOLEAN) AS granted WHERE false)";
    Dataset<Row> allowed = lake.session().sql("SELECT m.* FROM _export m LEFT JOIN " + latest + " c ON c.pkey = m.pkey WHERE "
        + ConsentPolicy.sqlAllowed(purpose, "c.granted"));
    List<Column> order = new ArrayList<>(List.of(functions.col("profile_id")));
    traitNames.forEach(n -> order.add(functions.col(SparkDialect.INSTANCE.quote(n))));
    allowed.select(order.toArray(Column[]::new)).orderBy("profile_id").write().parquet(out.toString());
    return lake.session().read().parquet(out.toString()).count();
  }
}
