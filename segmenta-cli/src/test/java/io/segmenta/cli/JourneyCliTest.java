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

  @Test
  void pauseActivateStatus_showTheStateAndTheMeasures() throws Exception {
    Path f = dir.resolve("post_purchase.json");
    Files.writeString(f, JOURNEY.replace("{\"id\": \"pause\", \"wait\": \"PT2H\", \"next\": \"thanks\"}",
        "{\"id\": \"pause\", \"wait\": \"PT2H\", \"next\": \"ab\"}, {\"id\": \"ab\", \"split\": {\"holdout\": 10}, \"next\": \"thanks\"}"));
    assertEquals(0, run("journey", "save", f.toString()).code());
    assertEquals("journey post_purchase is paused", run("journey", "pause", "post_purchase").out().strip());
    assertTrue(run("journey", "list").out().contains("paused"));
    CliTest.Result status = run("journey", "status", "post_purchase");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("journey post_purchase, version 1, paused") && status.out().contains("entered 0"), status.out());
    assertTrue(status.out().contains("conversion lift: "), status.out());
    assertTrue(run("journey", "activate", "post_purchase").out().startsWith("journey post_purchase is active; the server runs it"));
    CliTest.Result json = run("journey", "status", "post_purchase", "--json", "--window", "P7D");
    assertTrue(json.out().contains("\"state\" : \"active\"") && json.out().contains("\"window\" : \"PT168H\""), json.out());
    CliTest.Result bad = run("journey", "status", "post_purchase", "--window", "soon");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--window") && bad.err().contains("soon"), bad.err());
    assertEquals(2, run("journey", "pause", "nope").code());
  }

  @Test
  void templates_install_savesTheSegmentsAndTheThreeJourneys() throws Exception {
    CliTest.Result list = run("journey", "templates");
    assertTrue(list.out().contains("post_purchase: ") && list.out().contains("lapsed_reengagement: ") && list.out().contains("loyalty_most_valuable: "),
        list.out());
    CliTest.Result install = run("journey", "templates", "--install");
    assertEquals(0, install.code(), install.err());
    assertTrue(install.out().contains("saved segment most-valuable") && install.out().contains("saved journey loyalty_most_valuable, version 1"),
        install.out());
    CliTest.Result print = run("journey", "templates", "--print", "post_purchase");
    assertTrue(print.out().contains("\"recommendations\": 3"), print.out());
  }
}
