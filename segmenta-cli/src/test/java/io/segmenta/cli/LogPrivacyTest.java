package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No personal data in logs: a server run with identifies, events, bad requests (whose bodies hold e-mails), a
 * subject access export and an erasure, whose whole output (Segmenta, Javalin, Jetty) holds none of the e-mails
 * and user ids it saw.
 */
class LogPrivacyTest {
  @TempDir
  Path dir;

  static int send(HttpClient http, int port, String method, String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", auth)
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void fullRun_logsNoEmailsOrIds() throws Exception {
    Path log = dir.resolve("server.log");
    DurabilityTest.Running server = DurabilityTest.start(dir, log);
    HttpClient http = HttpClient.newHttpClient();
    String write = "Basic " + Base64.getEncoder().encodeToString("wk_dur:".getBytes(StandardCharsets.UTF_8));
    String admin = "Bearer admin-durable";
    List<String> secrets = List.of("log-secret-anna@example.org", "log-secret-bo@example.org", "log-user-anna", "log-user-bo");
    try {
      int p = server.port();
      assertEquals(200, send(http, p, "POST", "/v1/identify", write, "{\"userId\": \"log-user-anna\", \"traits\": {\"email\": \"log-secret-anna@example.org\"}}"));
      assertEquals(200, send(http, p, "POST", "/v1/track", write, "{\"userId\": \"log-user-anna\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": 5}}"));
      // A clash is kept and counted under the default lenient policy; a broken id is refused. Neither is logged.
      assertEquals(200, send(http, p, "POST", "/v1/identify", write, "{\"userId\": \"log-user-bo\", \"traits\": {\"email\": \"log-secret-bo@example.org\", \"age\": \"x\"}}"));
      assertEquals(400, send(http, p, "POST", "/v1/identify", write, "{\"userId\": \"log-user-bo\\u0000\", \"traits\": {\"email\": \"log-secret-bo@example.org\"}}"));
      assertEquals(400, send(http, p, "POST", "/v1/track", write, "{\"userId\": \"log-user-bo\", \"traits\": {\"email\": \"log-secret-bo@example.org\""));
      assertEquals(401, send(http, p, "POST", "/v1/track", "Basic " + Base64.getEncoder().encodeToString("log-secret-bo@example.org:".getBytes(StandardCharsets.UTF_8)), "{}"));
      assertEquals(200, send(http, p, "GET", "/admin/profiles/log-secret-anna@example.org/export?by=email", admin, null));
      assertEquals(200, send(http, p, "GET", "/admin/profiles/log-secret-bo@example.org?by=email", admin, null), "the lenient identify stored bo");
      assertEquals(200, send(http, p, "DELETE", "/admin/profiles/log-user-anna", admin, null));
    } finally {
      server.process().destroy();
      assertTrue(server.process().waitFor(60, TimeUnit.SECONDS));
    }
    String printed = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(printed.contains("segmenta is serving"), printed);
    for (String s : secrets) {
      assertFalse(printed.contains(s), "the log holds '" + s + "':\n" + printed);
    }
  }
}
