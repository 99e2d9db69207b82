package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.cli.CliTest.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segmenta segment why NAME PROFILE} over the demo shop: a member's trace, an outsider's closest miss, JSON, mistakes. */
class SegmentWhyCliTest {
  @TempDir
  static Path dir;
  static String data;

  @BeforeAll
  static void demo() {
    data = dir.resolve("data").toString();
    Result r = CliTest.run("demo", "--customers", "200", "--data-dir", data, "--threads", "2", "--memory-limit", "1GB");
    assertEquals(0, r.code(), r.err());
  }

  static Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", data, "--as-of", "latest"));
    return CliTest.run(all.toArray(new String[0]));
  }

  @Test
  void why_memberAndOutsider_sayWhatDecidedAndTheClosestMiss() throws Exception {
    String in = run("segment", "members", "students", "--limit", "1").out().trim();
    String out = run("segment", "members", "not segment \"students\"", "--limit", "1").out().trim();
    assertFalse(in.isEmpty() || out.isEmpty());
    Result member = run("segment", "why", "students", in);
    assertEquals(0, member.code(), member.err());
    assertTrue(member.out().startsWith(in + " is in students at "), member.out());
    assertTrue(member.out().contains("← decided"), member.out());
    Result outsider = run("segment", "why", "students", out);
    assertEquals(0, outsider.code(), outsider.err());
    assertTrue(outsider.out().startsWith(out + " is out of students at "), outsider.out());
    assertTrue(outsider.out().contains("closest miss:\n  ") || outsider.out().contains("no change of these values alone"), outsider.out());
    Result json = run("segment", "why", "students", out, "--format", "json");
    assertEquals(0, json.code(), json.err());
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertFalse(j.get("member").asBoolean());
    assertEquals("students", j.get("segment").asText());
  }

  @Test
  void why_mistakes_areOneLine() {
    Result segment = run("segment", "why", "studnts", "p1");
    assertEquals(2, segment.code());
    assertTrue(segment.err().startsWith("segmenta: there is no saved segment named 'studnts'"), segment.err());
    Result profile = run("segment", "why", "students", "nobody");
    assertEquals(2, profile.code());
    assertEquals("segmenta: there is no profile with id 'nobody'", profile.err().trim());
    Result by = run("segment", "why", "students", "nobody@example.com", "--by", "email");
    assertEquals("segmenta: no profile has that email", by.err().trim());
    Result format = run("segment", "why", "students", "nobody", "--format", "xml");
    assertEquals("segmenta: --format must be text or json, got 'xml'", format.err().trim());
  }
}
