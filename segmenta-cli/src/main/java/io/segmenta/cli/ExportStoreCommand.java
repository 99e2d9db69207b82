package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.duckdb.DuckDb;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code segmenta export-store --format parquet DIR}: the store in the lake layout (docs/lake.md) the Spark engine reads. */
@Command(name = "export-store", mixinStandardHelpOptions = true, description = {
    "Write the store's profiles, identifiers, events, order lines, consents, schema and segments as Parquet,",
    "one directory per table, in the lake layout of docs/lake.md (what the Spark engine and a shop's own pipeline share)."})
final class ExportStoreCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "the format to write: parquet")
  String format;

  @Parameters(index = "0", paramLabel = "DIR", description = "the lake directory to write (new or empty)")
  Path dir;

  @Override
  public Integer call() {
    if (!"parquet".equals(format)) {
      throw new UserException("--format must be parquet, not '" + format + "'");
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Long> rows = DuckDb.exportParquet(store.config(), dir);
    out.printf("wrote the lake %s (layout 1, docs/lake.md)%n", dir.toAbsolutePath().normalize());
    rows.forEach((table, n) -> out.printf("  %-18s %,d rows%n", table, n));
    return 0;
  }
}
