package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segmenta journey check|save|list on a real data directory. */
class JourneyCliTest {
  static final String JOURNEY = """
      {"key": "post_purchase", "trigger": {"event": "order"},
       "steps": [{"id": "pause", "wait": "PT2H", "next": "thanks"}, {"id": "thanks", "send_email": "thank_you"}],
       "templates": {"thank_you": {"subject": "Thanks", "body": "<p>Thank you.</p>"}}}
      """;

  @TempDir
  Path dir;

  CliTest.Result run(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = dir.resolve("data").toString();
    return CliTest.run(all);
  }

  @Test
  void check_brokenJourney_failsNamingTheSteps() throws Exception {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, JOURNEY.replace("\"send_email\": \"thank_you\"", "\"send_email\": \"nope\"").replace("\"next\": \"thanks\"", "\"next\": \"gone\""));
    CliTest.Result r = run("journey", "check", f.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("step 'pause': next step 'gone' does not exist"), r.err());
    assertTrue(r.err().contains("step 'thanks': unknown template 'nope'"), r.err());
    assertTrue(r.err().contains("step 'thanks': unreachable"), r.err());
  }

  @Test
  void save_thenList_showsTheVersion_andAnEditAddsOne() throws Exception {
    Path f = dir.resolve("post_purchase.json");
    Files.writeString(f, JOURNEY);
    CliTest.Result ok = run("journey", "check", f.toString());
    assertEquals(0, ok.code(), ok.err());
    CliTest.Result saved = run("journey", "save", f.toString());
    assertEquals(0, saved.code(), saved.err());
    assertEquals("saved journey post_purchase, version 1", saved.out().strip());
    assertEquals("saved journey post_purchase, version 1 (unchanged)", run("journey", "save", f.toString()).out().strip());
    Files.writeString(f, JOURNEY.replace("PT2H", "PT3H"));
    assertEquals("saved journey post_purchase, version 2", run("journey", "save", f.toString()).out().strip());
    CliTest.Result list = run("journey", "list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("post_purchase") && list.out().contains("2"), list.out());
  }
}
