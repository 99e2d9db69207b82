package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.testkit.ExperimentScenario;
import io.segmenta.testkit.ShopGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a deterministic synthetic shop (profiles.jsonl and events.jsonl) with the segments of the articles planted in it.")
final class GenerateCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--customers", defaultValue = "20000", description = "How many customers (default 20000).")
  int customers;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same shop (default 42).")
  long seed;

  @Option(names = "--until", defaultValue = "2025-06-30T23:00:00Z", description = "The end of the shop's history.")
  Instant until;

  @Option(names = "--days", defaultValue = "730", description = "Length of the history in days (default 730).")
  int days;

  @Option(names = {"-o", "--output"}, required = true, description = "Directory to write into.")
  Path output;

  @Option(names = "--gzip", description = "Compress the files (.jsonl.gz).")
  boolean gzip;

  @Option(names = "--experiment-visitors", defaultValue = "0", paramLabel = "N",
      description = "Also write experiment.jsonl: N visitors in the A/B test 'checkout-banner' (May 2025), whose banner lifts conversion 50 %% in DK only.")
  int experimentVisitors;

  @Override
  public Integer call() {
    long n = write(new ShopGenerator(seed, until, days), customers, output, gzip, new ProgressBar(spec.commandLine().getErr()));
    spec.commandLine().getOut().printf("wrote %,d customers and %,d events to %s%n", customers, n, output);
    if (experimentVisitors > 0) {
      Path f = output.resolve("experiment" + (gzip ? ".jsonl.gz" : ".jsonl"));
      try (Writer w = writer(f, gzip)) {
        new ExperimentScenario(seed, experimentVisitors, "DK", 0.5).write(p -> line(w, Importer.toJsonLine(p)), e -> line(w, Importer.toJsonLine(e)));
      } catch (IOException | UncheckedIOException ex) {
        throw new UserException("cannot write " + f + ": " + ex.getMessage());
      }
      spec.commandLine().getOut().printf("wrote %,d experiment visitors to %s%n", experimentVisitors, f);
    }
    return 0;
  }

  private static void line(Writer w, String s) {
    try {
      w.write(s);
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the shop as canonical JSON lines; returns the number of events. */
  static long write(ShopGenerator shop, int customers, Path dir, boolean gzip, ProgressBar bar) {
    if (customers < 1 || customers > 50_000_000) {
      throw new UserException("--customers must be between 1 and 50000000, got " + customers);
    }
    String ext = gzip ? ".jsonl.gz" : ".jsonl";
    long[] events = {0};
    try {
      Files.createDirectories(dir);
      try (Writer p = writer(dir.resolve("profiles" + ext), gzip); Writer e = writer(dir.resolve("events" + ext), gzip)) {
        int[] done = {0};
        shop.generate(0, customers, 1000, b -> {
          try {
            for (Profile x : b.profiles()) {
              p.write(Importer.toJsonLine(x));
              p.write('\n');
            }
            for (Event x : b.events()) {
              e.write(Importer.toJsonLine(x));
              e.write('\n');
            }
          } catch (IOException ex) {
            throw new UncheckedIOException(ex);
          }
          events[0] += b.events().size();
          done[0] += b.profiles().size();
          bar.update("generating", done[0], customers);
        });
      }
      bar.finishLine();
    } catch (IOException | UncheckedIOException ex) {
      throw new UserException("cannot write the shop to " + dir + ": " + ex.getMessage());
    }
    return events[0];
  }

  private static Writer writer(Path f, boolean gzip) throws IOException {
    return gzip ? new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(f), 1 << 16), StandardCharsets.UTF_8), 1 << 16)
        : Files.newBufferedWriter(f, StandardCharsets.UTF_8);
  }

}
