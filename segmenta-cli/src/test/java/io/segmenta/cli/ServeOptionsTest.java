package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.ingest.segment.SegmentSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segmenta serve}'s tracking-edge options refuse bad values with a message naming the option, before serving. */
class ServeOptionsTest {
  @TempDir
  Path dir;

  String refused(String... extra) {
    String[] args = new String[extra.length + 7];
    String[] base = {"serve", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--admin-key", "admin-key-serve"};
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    assertNotEquals(0, code, out + " / " + err);
    return err.toString();
  }

  @Test
  void serve_badSource_isRefused() {
    String err = refused("--source", "web");
    assertTrue(err.contains("--source") && err.contains("name:key"), err);
    err = refused("--source", "web:wk_1:sometimes");
    assertTrue(err.contains("strict or lenient") && err.contains("sometimes"), err);
    err = refused("--source", "web:wk_1", "--source", "web:wk_2");
    assertTrue(err.contains("two sources are named 'web'"), err);
  }

  @Test
  void serve_badCorsOriginOrBundleOrTimeout_isRefused() {
    String err = refused("--write-key", "wk_1", "--cors-origin", "shop.example");
    assertTrue(err.contains("scheme://host") && err.contains("shop.example"), err);
    err = refused("--write-key", "wk_1", "--analytics-js", dir.resolve("nothing-here").toString());
    assertTrue(err.contains("standalone.js") && err.contains("scripts/analytics-js"), err);
    err = refused("--write-key", "wk_1", "--body-timeout", "0s");
    assertTrue(err.contains("--body-timeout"), err);
    err = refused("--write-key", "wk_1", "--public-url", "ftp://x");
    assertTrue(err.contains("--public-url"), err);
  }

  @Test
  void serve_badSchemaLimit_isRefused() {
    String err = refused("--write-key", "wk_1", "--schema-limit", "colours=3");
    assertTrue(err.contains("unknown limit 'colours'"), err);
    err = refused("--write-key", "wk_1", "--schema-limit", "traits=many");
    assertTrue(err.contains("--schema-limit") && err.contains("traits=many"), err);
    err = refused("--write-key", "wk_1", "--schema-limit", "properties=-1");
    assertTrue(err.contains("must be 0 or more, got -1"), err);
  }

  @Test
  void limits_replaceOnlyTheOnesGiven() {
    SegmentSpec.Policy p = ServeCommand.limits(List.of("new-names-per-request=5", "traits=20"));
    assertEquals(new SegmentSpec.Policy(false, 5, SegmentSpec.Policy.LENIENT.propertiesPerEventType(), SegmentSpec.Policy.LENIENT.totalProperties(), 20), p);
    assertEquals(SegmentSpec.Policy.LENIENT, ServeCommand.limits(List.of()));
  }
}
