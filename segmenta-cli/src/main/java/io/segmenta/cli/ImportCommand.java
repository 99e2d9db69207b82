package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.ingest.RowSource;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.ParquetSource;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.util.Map;
import picocli.CommandLine;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Import profiles, events or order lines from CSV, JSON lines or Parquet.",
        "Segmenta's own JSON lines need no mapping; CSV and Parquet take a mapping file (see docs/import.md), --map pairs, or a --preset.",
        "A file with a bad row is refused whole, listing the first problems; --skip-bad-rows imports the rest and writes a reject file."})
final class ImportCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import (.csv, .csv.gz, .jsonl, .jsonl.gz, .parquet).")
  List<Path> files;

  @Option(names = "--preset", description = "A built-in mapping: online-retail (UCI Online Retail invoice lines).")
  String preset;

  @Option(names = "--mapping", description = "A mapping file (key = value lines).")
  Path mapping;

  @Option(names = "--map", paramLabel = "KEY=VALUE", description = "A mapping entry, e.g. --map trait.age=Age (repeatable; overrides the file).")
  List<String> pairs = new ArrayList<>();

  @Option(names = "--format", description = "csv, jsonl or parquet (default: from the file name).")
  String format;

  @Option(names = "--separator", description = "CSV separator (default: from the mapping, else ','); use \\t for tabs.")
  String separator;

  @Option(names = "--encoding", description = "CSV encoding: utf-8 (default) or latin-1.")
  String encoding;

  @Option(names = "--no-header", description = "The CSV has no header line (columns are then named column1, column2, ...).")
  boolean noHeader;

  @Option(names = "--skip-bad-rows", description = "Import the good rows and write the bad ones to a reject file.")
  boolean skipBadRows;

  @Option(names = "--rejects", description = "Where to write rejected rows (default: FILE.rejects.csv beside each FILE; never the input itself).")
  Path rejects;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        throw new UserException("cannot read " + f + ": no such file, or no permission");
      }
      if (skipBadRows) {
        Importer.rejectFile(f, f.getFileName().toString(), rejects);
      }
    }
    if (rejects != null && files.size() > 1) {
      throw new UserException("--rejects names one file, but " + files.size() + " files are imported; leave it out and each FILE gets FILE.rejects.csv beside it");
    }
    try (Store s = store.open()) {
      for (Path f : files) {
        ProgressBar bar = new ProgressBar(err);
        Importer.Options o = new Importer.Options(skipBadRows, skipBadRows ? Importer.rejectFile(f, f.getFileName().toString(), rejects) : null, bar);
        ImportReport r;
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : guess(f);
        if (fmt.equals("jsonl")) {
          r = Importer.runJsonLines(f, s.catalog(), s.profiles(), o);
        } else {
          Mapping m = mapping();
          try (RowSource src = fmt.equals("parquet") ? new ParquetSource(f) : csv(f, m)) {
            r = Importer.run(src, m, s.catalog(), s.profiles(), o);
          }
        }
        bar.finishLine();
        print(out, r);
      }
    }
    return 0;
  }

  private Mapping mapping() {
    Mapping base = null;
    if (preset != null) {
      if (!preset.equals("online-retail")) {
        throw new UserException("unknown preset '" + preset + "'; the presets are: online-retail");
      }
      base = Mapping.onlineRetail();
    }
    if (mapping != null) {
      if (base != null) {
        throw new UserException("give either --preset or --mapping, not both (use --map to adjust a preset)");
      }
      base = Mapping.read(mapping);
    }
    if (base == null && pairs.isEmpty()) {
      throw new UserException("a CSV or Parquet file needs a mapping: --mapping FILE, --preset online-retail or --map KEY=VALUE pairs (see docs/import.md)");
    }
    return pairs.isEmpty() ? base : Mapping.withPairs(base, pairs);
  }

  private CsvSource csv(Path f, Mapping m) {
    String sep = separator != null ? separator : m.get("csv.separator", ",");
    if (sep.equals("\\t") || sep.equals("tab")) {
      sep = "\t";
    }
    if (sep.equals("whitespace") || sep.equals(" ")) {
      sep = String.valueOf(CsvSource.WHITESPACE);
    }
    if (sep.length() != 1) {
      throw new UserException("the separator must be one character, got '" + sep + "'");
    }
    String quote = m.get("csv.quote", "\"");
    String enc = encoding != null ? encoding : m.get("csv.encoding", "utf-8");
    Charset cs = switch (enc.toLowerCase(Locale.ROOT).replace("_", "-")) {
      case "utf-8", "utf8" -> StandardCharsets.UTF_8;
      case "latin-1", "latin1", "iso-8859-1" -> StandardCharsets.ISO_8859_1;
      case "windows-1252", "cp1252" -> Charset.forName("windows-1252");
      default -> throw new UserException("unknown encoding '" + enc + "'; use utf-8, latin-1 or windows-1252");
    };
    boolean header = !noHeader && Boolean.parseBoolean(m.get("csv.header", "true"));
    return new CsvSource(f, sep.charAt(0), quote.isEmpty() ? '"' : quote.charAt(0), cs, header);
  }

  private static String guess(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson") || n.endsWith(".json")) {
      return "jsonl";
    }
    if (n.endsWith(".parquet")) {
      return "parquet";
    }
    if (n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".tsv") || n.endsWith(".txt")) {
      return "csv";
    }
    throw new UserException("cannot tell the format of " + f.getFileName() + " from its name; give --format csv, jsonl or parquet");
  }

  static void print(PrintWriter out, ImportReport r) {
    out.printf("%s: %,d rows read, %,d imported, %,d rejected in %.1f s%n", r.file(), r.rows(), r.accepted(), r.rejected(), r.took().toMillis() / 1000.0);
    var w = r.written();
    out.printf("  profiles: %,d new, %,d updated; events: %,d new, %,d already stored (imported before); order lines: %,d%n",
        w.profilesCreated(), w.profilesUpdated(), w.eventsWritten(), w.eventsDuplicate(), w.linesWritten());
    if (r.duplicateRows() > 0) {
      out.printf("  rows treated as duplicates (an earlier row of the file has the same event id): %,d, e.g.%n", r.duplicateRows());
      r.duplicateExamples().forEach(e -> out.println("    " + e));
    }
    r.notes().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.printf("  %s: %,d%n", e.getKey(), e.getValue()));
    if (r.rejectFile() != null) {
      out.printf("  rejected rows written to %s; the first:%n", r.rejectFile());
      r.firstErrors().stream().limit(5).forEach(e -> out.println("    " + e));
    }
  }
}
