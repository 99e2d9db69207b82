package io.segmenta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.UserException;
import io.segmenta.core.port.Member;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.json.JsonValues;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.value.Value;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, description = "Export every member with identifiers and chosen traits, as CSV or JSON lines.")
final class SegmentExportCommand extends LakeRuleCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RULE", description = "A rule in the text form, e.g. 'country = \"DK\" and count(order in last 90 days) >= 2', its JSON form, or a saved segment's name.")
  String rule;

  @Option(names = "--format", defaultValue = "csv", description = "csv (default), json (one object per line) or, with --engine spark, parquet (a directory of files written by the cluster; needs --output).")
  String format;

  @Option(names = "--purpose", defaultValue = "analytics",
      description = "What the export is for: analytics (default; everyone who has not objected), personalization, email_marketing or advertising (only who consented).")
  String purpose;

  @Option(names = "--traits", split = ",", description = "Traits to include, comma-separated.")
  List<String> traits = new ArrayList<>();

  @Option(names = {"-o", "--output"}, description = "File to write (default: standard output). Written whole or not at all.")
  Path output;

  @Override
  public Integer call() throws IOException {
    String fmt = format.toLowerCase(Locale.ROOT);
    boolean onLake = engine.onLake();
    if (fmt.equals("parquet") && onLake) {
      if (output == null) {
        throw new UserException("--format parquet needs --output DIR: the cluster writes a directory of Parquet files");
      }
      return withLakeRule(rule, (lake, r, at) -> {
        long n = lake.exportMembers(r, at, traits, Purpose.parse(purpose), output);
        spec.commandLine().getErr().printf("exported %,d members to %s, %s%n", n, output, asOfLine());
      });
    }
    if (!fmt.equals("csv") && !fmt.equals("json")) {
      throw new UserException("--format must be csv or json" + (onLake ? " or parquet" : " (parquet with --engine spark)") + ", got '" + format + "'");
    }
    if (onLake) {
      return withLakeRule(rule, (lake, r, at) -> exportTo(lake.audiences(), r, at, fmt));
    }
    return withRule(rule, (s, r, at) -> exportTo(s.audiences(), r, at, fmt));
  }

  private void exportTo(Audiences audiences, Rule r, Instant at, String fmt) throws IOException {
    Path tmp = output == null ? null : output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".part");
    Writer w = output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
        : Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
    long n;
    boolean done = false;
    try {
      n = write(audiences, r, at, fmt, w);
      w.flush();
      done = true;
    } catch (UnsupportedOperationException e) {
      // An engine that does not answer this shape (Spark before its export was written) says so in one line.
      throw new UserException("--format " + fmt + " with --engine " + engine.engine + ": " + e.getMessage() + "; --format parquet --output DIR exports on the cluster");
    } finally {
      if (output != null) {
        w.close();
        if (!done) {
          Files.deleteIfExists(tmp);
        }
      }
    }
    if (output != null) {
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      spec.commandLine().getErr().printf("exported %,d members to %s, %s%n", n, output, asOfLine());
    } else {
      spec.commandLine().getErr().printf("exported %,d members, %s%n", n, asOfLine());
    }
  }

  private long write(Audiences audiences, Rule r, Instant at, String fmt, Writer w) throws IOException {
    ObjectMapper json = new ObjectMapper();
    if (fmt.equals("csv")) {
      StringBuilder h = new StringBuilder("profile_id,email,phone");
      traits.forEach(t -> h.append(',').append(t));
      w.write(h.append('\n').toString());
    }
    IOException[] failure = new IOException[1];
    long n = audiences.run(new AudienceQuery.Export(r, at, traits, Purpose.parse(purpose), m -> {
      if (failure[0] != null) {
        return;
      }
      try {
        w.write(fmt.equals("csv") ? csvLine(m) : jsonLine(json, m));
      } catch (IOException e) {
        failure[0] = e;
      }
    }));
    if (failure[0] != null) {
      throw failure[0];
    }
    return n;
  }

  private String csvLine(Member m) {
    StringBuilder sb = new StringBuilder(csv(m.profileId()));
    sb.append(',').append(csv(identifier(m, "email"))).append(',').append(csv(identifier(m, "phone")));
    for (String t : traits) {
      var v = m.traits().get(t);
      sb.append(',').append(v == null || v.isNull() ? "" : csv(v instanceof Value.ListValue l
          ? String.join("|", l.items().stream().map(Object::toString).toList()) : v.toString()));
    }
    return sb.append('\n').toString();
  }

  private static String identifier(Member m, String kind) {
    return m.identifiers().stream().filter(i -> i.kind().equals(kind)).map(i -> i.value()).findFirst().orElse("");
  }

  private static String jsonLine(ObjectMapper json, Member m) {
    ObjectNode o = json.createObjectNode();
    o.put("profile_id", m.profileId());
    ObjectNode ids = o.putObject("identifiers");
    m.identifiers().forEach(i -> ids.put(i.kind(), i.value()));
    ObjectNode t = o.putObject("traits");
    m.traits().forEach((k, v) -> t.set(k, v instanceof Value.DateValue || v instanceof Value.TimeValue
        ? json.getNodeFactory().textNode(v.toString()) : JsonValues.toJson(v)));
    return o + "\n";
  }

  private static String csv(String s) {
    if (s.isEmpty()) {
      return "";
    }
    return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}

