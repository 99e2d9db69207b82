package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segmenta demo --serve}: the demo shop, then the web app over it at once, with a first admin who can sign in. */
class DemoServeTest {
  @TempDir
  Path dir;

  @Test
  void demo_withServe_printsTheAppAndItsFirstAdminWhoSignsIn() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Thread t = new Thread(() -> Main.run(new String[] {"demo", "--customers", "300", "--serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
        "--threads", "2", "--memory-limit", "1GB"}, new PrintWriter(out, true), new PrintWriter(err, true)), "demo-serve");
    t.start();
    try {
      Matcher app = null;
      for (int i = 0; i < 1200 && app == null; i++) {
        Matcher m = Pattern.compile("web app: (http://127\\.0\\.0\\.1:\\d+/)").matcher(out.toString());
        app = m.find() ? m : null;
        if (app == null) {
          assertTrue(t.isAlive(), "demo --serve stopped: " + out + err);
          Thread.sleep(100);
        }
      }
      assertTrue(app != null, "the app's address is printed: " + out + err);
      Matcher pw = Pattern.compile("web user made: admin, password (\\S+)").matcher(out.toString());
      assertTrue(pw.find(), out.toString());
      String base = app.group(1);
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "login")).build(), HttpResponse.BodyHandlers.ofString());
      String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
      assertTrue(csrf.find(), form.body());
      String body = "csrf=" + csrf.group(1) + "&name=admin&password=" + URLEncoder.encode(pw.group(1), StandardCharsets.UTF_8);
      HttpResponse<String> in = http.send(HttpRequest.newBuilder(URI.create(base + "login")).header("Cookie", cookie)
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(303, in.statusCode(), in.body());
      assertEquals("/", in.headers().firstValue("Location").orElseThrow());
    } finally {
      t.interrupt();
      t.join(30_000);
    }
  }
}
