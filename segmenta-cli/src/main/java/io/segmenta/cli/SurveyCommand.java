package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.SourceRow;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.survey.SurveyJson;
import io.segmenta.core.survey.Surveys;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine;

@Command(name = "survey", mixinStandardHelpOptions = true,
    description = "Survey answers joined to behaviour: import them as traits, and compare answers between segments.",
    subcommands = {SurveyCommand.Import.class, SurveyCommand.Report.class})
final class SurveyCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Import answers from a CSV (columns respondent, question, answer, answered_at, optionally purpose: a consent purpose)",
          "or JSON lines (one object per answer with the same fields).",
          "Each answer becomes the trait survey_<question> with survey_<question>_at; respondents are matched by --by."})
  static class Import implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "FILE", description = "The answers: a CSV file (one row per answer) or JSON lines.")
    Path file;

    @Option(names = "--by", defaultValue = "email", description = "How respondents are identified: an identifier kind such as email (default), or profile.")
    String by;

    @Override
    public Integer call() throws Exception {
      List<Surveys.Answer> answers = new ArrayList<>();
      String fileName = file.getFileName().toString();
      if (fileName.endsWith(".jsonl") || fileName.endsWith(".json") || fileName.endsWith(".ndjson")) {
        readJsonLines(answers);
      } else {
        readCsv(answers);
      }
      try (Store s = store.open()) {
        Surveys.ImportReport r = Surveys.importAnswers(s.catalog(), s.profiles(), s.consent(), answers, fileName);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %,d answers of %,d profiles imported as %s%n", file.getFileName(), r.answers(), r.profiles(), r.traits());
        if (!r.unmatched().isEmpty()) {
          out.printf(Locale.ROOT, "%,d answers matched no profile and were not imported:%n", r.unmatched().size());
          r.unmatched().stream().limit(10).forEach(u -> out.println("  " + u));
        }
      }
      return 0;
    }

    private Instant when(long line, String text) {
      try {
        return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new UserException(file + ":" + line + ", field answered_at: expected a date such as 2025-06-01 or an ISO date-time, got '" + text + "'");
      }
    }

    private void readJsonLines(List<Surveys.Answer> answers) throws IOException {
      ObjectMapper json = new ObjectMapper();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = json.readTree(lines.get(i));
        } catch (JsonProcessingException e) {
          throw new UserException(file + ":" + (i + 1) + ": not valid JSON: " + e.getOriginalMessage());
        }
        for (String f : List.of("respondent", "question", "answer", "answered_at")) {
          if (!n.hasNonNull(f)) {
            throw new UserException(file + ":" + (i + 1) + ": field '" + f + "' is missing");
          }
        }
        answers.add(new Surveys.Answer(i + 1, by, n.get("respondent").asText(), n.get("question").asText(), n.get("answer").asText(),
            when(i + 1, n.get("answered_at").asText()), n.hasNonNull("purpose") ? n.get("purpose").asText() : null));
      }
    }

    private void readCsv(List<Surveys.Answer> answers) throws Exception {
      try (CsvSource src = new CsvSource(file, ',', '"', StandardCharsets.UTF_8, true)) {
        List<String> cols = src.columns();
        int respondent = index(cols, "respondent");
        int question = index(cols, "question");
        int answer = index(cols, "answer");
        int at = index(cols, "answered_at");
        int purpose = cols.indexOf("purpose");
        SourceRow row;
        while ((row = src.next()) != null) {
          answers.add(new Surveys.Answer(row.line(), by, row.cells().get(respondent).toString(), row.cells().get(question).toString(),
              row.cells().get(answer).toString(), when(row.line(), row.cells().get(at).toString()), purpose < 0 ? null : row.cells().get(purpose).toString()));
        }
      }
    }

    private int index(List<String> cols, String name) {
      int i = cols.indexOf(name);
      if (i < 0) {
        throw new UserException(file + ": column '" + name + "' is missing; expected respondent, question, answer, answered_at (and optionally purpose), got " + cols);
      }
      return i;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "How a question was answered in each segment: coverage, the answers' shares, and a chi-square test of whether they differ.")
  static final class Report extends ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUESTION", description = "The question, as its column name in the imported survey.")
    String question;

    @Option(names = "--by", paramLabel = "SEGMENT", required = true, description = "A saved segment or a rule (repeat for each).")
    List<String> by = new ArrayList<>();

    @Override
    public Integer call() {
      try (Store s = store.open()) {
        Segments segs = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
        Map<String, Rule> rules = new LinkedHashMap<>();
        by.forEach(x -> rules.put(x, segs.ruleOf(x)));
        Surveys.CrossTab t = Surveys.crossTab(s.catalog(), s.audiences(), question, rules, report.asOf(s));
        PrintWriter out = out();
        if (report.format() == Output.Format.JSON) {
          Output.json(out, SurveyJson.crossTab(t));
          return 0;
        }
        List<String> header = new ArrayList<>(List.of("segment", "members", "answered", "coverage"));
        t.answers().forEach(a -> header.add(a));
        List<List<String>> rows = new ArrayList<>();
        for (Surveys.Row r : t.rows()) {
          List<String> row = new ArrayList<>(List.of(r.segment(), String.format(Locale.ROOT, "%,d", r.members()), String.format(Locale.ROOT, "%,d", r.answered()),
              Output.percent(r.coverage())));
          for (String a : t.answers()) {
            row.add(r.answered() == 0 ? "-" : Output.percent((double) r.counts().getOrDefault(a, 0L) / r.answered()));
          }
          rows.add(row);
        }
        out.println("question: " + t.question() + ", members " + report.asOfLine());
        Charts.table(out, header, rows);
        out.printf(Locale.ROOT, "chi-square %.2f, %d df, p = %s%s%n", t.test().chiSquare(), t.test().degreesOfFreedom(),
            Double.isNaN(t.test().pValue()) ? "-" : String.format(Locale.ROOT, "%.3g", t.test().pValue()),
            t.test().ok() ? (t.test().pValue() < 0.05 ? ": the answers differ between these segments" : ": no evidence they differ") : " (" + t.test().diagnostic() + ")");
      }
      return 0;
    }
  }
}
