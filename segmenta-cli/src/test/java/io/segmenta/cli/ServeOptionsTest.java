package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
}
