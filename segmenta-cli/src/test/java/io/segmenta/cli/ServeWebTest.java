package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segmenta serve} as a process: the web app at {@code /} beside the API, and the address printed. */
class ServeWebTest {
  @TempDir
  Path dir;

  @Test
  void serve_webAppAtRoot_sendsVisitorsToTheLoginForm() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("serve.log");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--port", Integer.toString(port), "--write-key", "wk_serve_web", "--admin-key", "admin-serve-web",
        "--data-dir", dir.resolve("data").toString(), "--threads", "2", "--memory-limit", "1GB"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      HttpResponse<String> root;
      while (true) {
        try {
          root = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
          break;
        } catch (IOException e) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            fail("serve did not answer on port " + port + ": " + Files.readString(log));
          }
          Thread.sleep(250);
        }
      }
      assertEquals(303, root.statusCode(), root.body());
      assertEquals("/login", root.headers().firstValue("Location").orElse(""));
      HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, login.statusCode());
      assertTrue(login.body().contains("No users yet"), login.body());
      HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, api.statusCode());
      String line = "web app: http://127.0.0.1:" + port + "/ (no users yet: segmenta user add NAME --role admin)";
      while (!Files.readString(log).contains(line) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(Files.readString(log).contains(line), Files.readString(log));
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
