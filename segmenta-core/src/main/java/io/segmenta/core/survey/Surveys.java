package io.segmenta.core.survey;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Instants;
import io.segmenta.core.value.Value;
import io.segmenta.stats.ContingencyTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Survey answers joined to behaviour. Each answer is linked to a profile by any identifier (an e-mail, say),
 * kept as a {@code survey_answer} event, and becomes a typed trait {@code survey_<question>} (a number when every
 * answer to the question is one, text otherwise; the latest answer wins) with {@code survey_<question>_at}, its
 * date, so its age is known and rules can ask for recent answers. A consent purpose given with the answer is
 * recorded. Respondents that match no profile are reported by line, not dropped silently. {@link #crossTab} shows
 * how attitudes differ between behavioural segments: coverage per segment and a chi-square test.
 */
public final class Surveys {
  private Surveys() {}

  /** One answer as read: who (identifier kind and value), what, when, under which consent purpose, and its line. */
  public record Answer(long line, String kind, String respondent, String question, String answer, Instant at, String purpose) {}

  public record ImportReport(int answers, int profiles, List<String> traits, List<String> unmatched) {}

  public static String trait(String question) {
    return "survey_" + snake(question);
  }

  private static final ConcurrentHashMap<String, String> SNAKE = new ConcurrentHashMap<>();

  /**
   * The snake_case form of a survey question ("Signed Up" → signed_up, "orderId" → order_id), letters
   * outside a-z dropped; names a client sends map by {@link io.segmenta.core.schema.Names} instead.
   */
  private static String snake(String s) {
    if (SNAKE.size() > 100_000) {
      SNAKE.clear();
    }
    return SNAKE.computeIfAbsent(s, Surveys::toSnake);
  }

  private static String toSnake(String s) {
    String x = s.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (x.isEmpty()) {
      return x;
    }
    return Character.isDigit(x.charAt(0)) ? "_" + x : x;
  }

  public static ImportReport importAnswers(Catalog catalog, Profiles people, ConsentLedger consent, List<Answer> answers, String source) {
    Map<String, Boolean> numeric = new LinkedHashMap<>();
    for (Answer a : answers) {
      if (!Instants.accepts(a.at())) {
        throw new UserException("line " + a.line() + ", answered at: expected an instant " + Instants.RANGE + ", got " + a.at());
      }
      numeric.merge(a.question(), a.answer().trim().matches("[+-]?\\d+(\\.\\d+)?"), Boolean::logicalAnd);
    }
    List<String> traits = new ArrayList<>();
    numeric.forEach((q, isNumber) -> {
      catalog.declareTrait(new TraitDef(trait(q), isNumber ? ValueType.NUMBER : ValueType.STRING, Family.PSYCHOGRAPHIC, "survey answer: " + q + " (" + source + ")"));
      catalog.declareTrait(new TraitDef(trait(q) + "_at", ValueType.TIMESTAMP, Family.PSYCHOGRAPHIC, "when '" + q + "' was answered"));
      traits.add(trait(q));
    });
    List<String> unmatched = new ArrayList<>();
    Map<String, Map<String, Answer>> latest = new TreeMap<>();
    List<Event> events = new ArrayList<>();
    Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
    for (Answer a : answers) {
      String id = a.kind().equals("profile") ? (people.history(a.respondent()).isPresent() ? a.respondent() : null)
          : people.findProfile(a.kind(), a.respondent()).orElse(null);
      if (id == null) {
        unmatched.add("line " + a.line() + ": no profile has " + a.kind() + " '" + a.respondent() + "'");
        continue;
      }
      latest.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(a.question(), a, (x, y) -> y.at().isAfter(x.at()) ? y : x);
      events.add(new Event("survey:" + source + ":" + a.line(), id, null, "survey_answer", a.at(),
          Map.of("question", new Value.Str(a.question()), "answer", new Value.Str(a.answer())), List.of()));
      if (a.purpose() != null && !a.purpose().isBlank()) {
        consents.computeIfAbsent(id, k -> new ArrayList<>()).add(new ConsentRecord(Purpose.parse(a.purpose()), true, a.at(), "survey:" + source));
      }
    }
    List<Profile> profiles = new ArrayList<>();
    latest.forEach((id, byQuestion) -> {
      Map<String, Value> t = new LinkedHashMap<>();
      byQuestion.forEach((q, a) -> {
        t.put(trait(q), numeric.get(q) ? new Value.Num(Double.parseDouble(a.answer().trim())) : new Value.Str(a.answer().trim()));
        t.put(trait(q) + "_at", new Value.TimeValue(a.at()));
      });
      profiles.add(new Profile(id, List.of(), t));
    });
    people.write(new Batch(profiles, events));
    consent.recordConsents(consents);
    return new ImportReport(answers.size() - unmatched.size(), profiles.size(), traits, unmatched);
  }

  /** Per segment: members, how many answered, and the answers' counts; with the test across segments. */
  public record Row(String segment, long members, long answered, Map<String, Long> counts) {
    public double coverage() {
      return members == 0 ? Double.NaN : (double) answered / members;
    }
  }

  public record CrossTab(String question, List<String> answers, List<Row> rows, ContingencyTest.Result test) {}

  public static CrossTab crossTab(Catalog catalog, Audiences audiences, String question, Map<String, Rule> segments, Instant asOf) {
    String t = trait(question);
    if (catalog.schema().trait(t).isEmpty()) {
      throw new UserException("no survey answers to '" + question + "' were imported (no trait " + t + ")");
    }
    Set<String> values = new TreeSet<>();
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Rule> s : segments.entrySet()) {
      long members = audiences.run(new AudienceQuery.Count(s.getValue(), asOf));
      Map<String, Long> counts = new TreeMap<>();
      long answered = 0;
      Set<String> seen = new HashSet<>();
      audiences.run(new AudienceQuery.Export(new Rule.And(List.of(s.getValue(), RuleText.parseRule(t + " exists"))), asOf, List.of(t), Purpose.ANALYTICS, m -> {
        Value v = m.traits().get(t);
        if (v != null && !v.isNull() && seen.add(m.profileId())) {
          counts.merge(v.toString(), 1L, Long::sum);
        }
      }));
      for (long c : counts.values()) {
        answered += c;
      }
      values.addAll(counts.keySet());
      rows.add(new Row(s.getKey(), members, answered, counts));
    }
    List<String> answers = List.copyOf(values);
    long[][] table = new long[rows.size()][answers.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < answers.size(); j++) {
        table[i][j] = rows.get(i).counts().getOrDefault(answers.get(j), 0L);
      }
    }
    return new CrossTab(question, answers, rows, ContingencyTest.independence(table));
  }
}
