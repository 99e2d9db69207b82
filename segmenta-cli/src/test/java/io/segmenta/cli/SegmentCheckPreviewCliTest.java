package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.cli.CliTest.Result;
import io.segmenta.core.privacy.Purpose;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segmenta segment check RULE --preview} over the demo shop: each funnel step is the count of the rule's
 * prefix as {@code segment count} gives it, the reach per purpose never exceeds the size, and mistakes are one line.
 */
class SegmentCheckPreviewCliTest {
  static final List<String> PARTS = List.of("count(order in last 365 days) >= 1", "income >= 30000", "days_since(session) < 400");
  static final Pattern STEP = Pattern.compile("(?m)^  (\\d+)\\. ([\\d,]+) \\([\\d.]+%\\)\\n     (.+)$");
  static final Pattern REACH = Pattern.compile("(?m)^  ([a-z_]+) +([\\d,]+) \\([\\d.]+%\\)$");
  static final Pattern COUNT = Pattern.compile("^([\\d,]+) of ([\\d,]+) profiles");

  @TempDir
  static Path dir;
  static String data;

  @BeforeAll
  static void demo() {
    data = dir.resolve("data").toString();
    Result r = CliTest.run("demo", "--customers", "300", "--data-dir", data, "--threads", "2", "--memory-limit", "1GB");
    assertEquals(0, r.code(), r.err());
  }

  static Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", data, "--as-of", "latest"));
    return CliTest.run(all.toArray(new String[0]));
  }

  static long count(String rule) {
    Result r = run("segment", "count", rule);
    assertEquals(0, r.code(), r.err());
    Matcher m = COUNT.matcher(r.out());
    assertTrue(m.find(), r.out());
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void checkPreview_funnelStepsAreTheCountsOfTheRulesPrefixes() {
    Result r = run("segment", "check", String.join(" and ", PARTS), "--preview");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("before saving, ") && r.out().contains("exact"), r.out());
    Matcher m = STEP.matcher(r.out());
    List<Long> sizes = new ArrayList<>();
    while (m.find()) {
      assertEquals(sizes.size() + 1, Integer.parseInt(m.group(1)), r.out());
      sizes.add(Long.parseLong(m.group(2).replace(",", "")));
      assertFalse(m.group(3).isBlank(), "each step names its condition");
    }
    assertEquals(PARTS.size(), sizes.size(), r.out());
    for (int k = 0; k < PARTS.size(); k++) {
      assertEquals(count(String.join(" and ", PARTS.subList(0, k + 1))), sizes.get(k), "step " + (k + 1) + " of\n" + r.out());
    }
    assertTrue(sizes.get(PARTS.size() - 1) > 0 && sizes.get(0) < 300, "the rule narrows but keeps someone: " + sizes);
    Matcher reach = REACH.matcher(r.out().substring(r.out().indexOf("reachable after consent:")));
    List<String> purposes = new ArrayList<>();
    while (reach.find()) {
      purposes.add(reach.group(1));
      long n = Long.parseLong(reach.group(2).replace(",", ""));
      assertTrue(n <= sizes.get(PARTS.size() - 1), reach.group(0) + " exceeds the size " + sizes);
    }
    assertEquals(List.of(Purpose.values()).stream().map(Purpose::label).toList(), purposes, r.out());
    assertTrue(r.out().matches("(?s).*cost: batch: [\\d,]+ rows scanned, this query [\\d,]+ ms; real-time: [\\d.]+ event rows read per profile evaluated.*"),
        r.out());
  }

  @Test
  void checkPreview_oneConditionIsAOneStepFunnel() {
    Result r = run("segment", "check", "income >= 30000", "--preview");
    assertEquals(0, r.code(), r.err());
    Matcher m = STEP.matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(count("income >= 30000"), Long.parseLong(m.group(2).replace(",", "")));
    assertFalse(m.find(), "one condition, one step: " + r.out());
  }

  @Test
  void check_withoutPreview_printsNoFunnel() {
    Result r = run("segment", "check", String.join(" and ", PARTS));
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("before saving"), r.out());
  }

  @Test
  void checkPreview_mistakes_areOneLineNamingTheProblem() {
    Result syntax = run("segment", "check", "income >= and age > 3", "--preview");
    assertEquals(2, syntax.code(), syntax.out());
    assertTrue(syntax.err().startsWith("segmenta: ") && syntax.err().contains("line 1"), syntax.err());
    assertFalse(syntax.err().contains("Exception") || syntax.err().contains("\tat "), syntax.err());
    Result unknown = run("segment", "check", "incme >= 30000", "--preview");
    assertEquals(2, unknown.code(), unknown.out());
    assertTrue(unknown.err().contains("incme"), unknown.err());
    assertFalse(unknown.out().contains("before saving"), unknown.out());
    Result asOf = CliTest.run("segment", "check", "income >= 30000", "--preview", "--data-dir", data, "--as-of", "yesterdayish");
    assertEquals(2, asOf.code(), asOf.out());
    assertTrue(asOf.err().contains("--as-of") && asOf.err().contains("yesterdayish"), asOf.err());
    assertFalse(asOf.err().contains("Exception"), asOf.err());
  }
}
