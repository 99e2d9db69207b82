package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segmenta segment recompute|history and segmenta review on a real data directory. */
class HistoryCliTest {
  @TempDir
  Path dir;

  CliTest.Result run(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data-dir";
    all[args.length + 1] = dir.resolve("data").toString();
    return CliTest.run(all);
  }

  @Test
  void history_afterARecompute_showsTheSizeChartAndFlows() {
    assertEquals(0, run("segment", "save", "adults", "age >= 18").code());
    CliTest.Result recompute = run("segment", "recompute");
    assertEquals(0, recompute.code(), recompute.err());
    assertTrue(recompute.out().contains("adults"), recompute.out());
    CliTest.Result h = run("segment", "history", "adults", "--period", "30");
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains("size") && h.out().contains("now 0"), h.out());
    assertTrue(h.out().contains("period") && h.out().contains("nobody left"), h.out());
  }

  @Test
  void history_badDay_namesTheOption() {
    assertEquals(0, run("segment", "save", "adults", "age >= 18").code());
    CliTest.Result r = run("segment", "history", "adults", "--at", "yesterday");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("--at") && r.err().contains("yesterday"), r.err());
    CliTest.Result missing = run("segment", "history", "grown-ups");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("grown-ups"), missing.err());
  }

  @Test
  void review_listsTheReasons() {
    assertEquals(0, run("segment", "save", "adults", "age >= 18").code());
    CliTest.Result r = run("review");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("too small to act on") && r.out().contains("never acted on") && r.out().contains("stale"), r.out());
  }
}
