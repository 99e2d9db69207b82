package io.segmenta.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a {@link HostileServer} in its own JVM: sends requests, kills it with SIGKILL, starts it again over the same
 * files, and checks the invariant of issue 12 afterwards in the DuckDB file itself: every request was answered with a
 * 2xx or a 4xx; every event of an acknowledged request (by messageId) is stored exactly once, with its order lines
 * once; nothing of a refused request is stored; the journal left by the kill reads back; the restarted server
 * accepts writes. Failures are collected per request, so a test can say which requests break what.
 */
final class HostileHarness {
  /** The spec's reading of a body: one JSON value, nothing after it. */
  static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  static final Pattern LISTENING = Pattern.compile("hostile server listening on port (\\d+)");
  static final Set<String> EVENT_TYPES = Set.of("track", "page", "screen", "group");
  static final Map<String, String> PATH_TYPES = Map.ofEntries(Map.entry("identify", "identify"), Map.entry("track", "track"),
      Map.entry("page", "page"), Map.entry("screen", "screen"), Map.entry("group", "group"), Map.entry("alias", "alias"),
      Map.entry("batch", "batch"), Map.entry("import", "batch"), Map.entry("i", "identify"), Map.entry("t", "track"),
      Map.entry("p", "page"), Map.entry("s", "screen"), Map.entry("g", "group"), Map.entry("a", "alias"), Map.entry("b", "batch"));

  /** One request: what is sent, and the body before any gzip (what the events are read from). */
  record Request(String name, String method, String path, Map<String, String> headers, byte[] wire, byte[] logical, boolean alone) {}

  record Answer(String name, int status, String body, long millis) {}

  private final Path dir;
  private final String label;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private Process process;
  private int port;
  private int starts;
  /** Per request name, what went wrong. */
  final Map<String, List<String>> failures = new TreeMap<>();
  final List<Answer> answers = new ArrayList<>();
  /** messageId → names of the requests that had it acknowledged; messageId → acceptable order-line counts. */
  private final Map<String, Set<String>> acked = new LinkedHashMap<>();
  private final Map<String, Set<Integer>> exactLines = new HashMap<>();
  private final Map<String, Integer> maxLines = new HashMap<>();
  private final Map<String, Set<String>> refused = new LinkedHashMap<>();

  HostileHarness(Path dir, String label) {
    this.dir = dir;
    this.label = label;
  }

  synchronized void fail(String name, String what) {
    failures.computeIfAbsent(name, k -> new ArrayList<>()).add(what);
  }

  void start() throws Exception {
    Path log = dir.resolve("server-" + starts++ + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long t0 = System.nanoTime();
    // Assertions on: every journal record is decoded back and compared before it is acknowledged (Journal.encode).
    // C1 and the serial collector: the server starts sooner on a busy two-core machine.
    process = new ProcessBuilder(java, "-ea", "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        HostileServer.class.getName(), dir.resolve("data").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
        System.out.printf("%s: server started in %d ms%n", label, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return;
      }
      Thread.sleep(25);
    }
    process.destroyForcibly();
    throw new AssertionError("the server did not start (a restart must never fail):\n" + tail(log));
  }

  static String tail(Path log) throws IOException {
    String s = Files.readString(log);
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  /** SIGKILL: nothing runs in the server after this, as at a power cut. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not die");
    }
  }

  /** SIGTERM: the server empties its journal into the database and closes the file. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 60 s of SIGTERM");
    }
  }

  /** Sends a request and books its answer: a 5xx, a hang or a broken connection is a failure of that request. */
  Answer send(Request r) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path())).timeout(Duration.ofSeconds(30));
    r.headers().forEach(b::header);
    boolean noBody = r.wire() == null || r.method().equals("GET") || r.method().equals("HEAD") || r.method().equals("OPTIONS");
    b.method(r.method(), noBody ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.wire()));
    Answer a;
    long start = System.nanoTime();
    try {
      HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String body = res.body();
      a = new Answer(r.name(), res.statusCode(), body.length() > 300 ? body.substring(0, 300) + "…" : body,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (IOException e) {
      a = new Answer(r.name(), -1, e.getClass().getSimpleName() + ": " + e.getMessage(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    synchronized (this) {
      answers.add(a);
    }
    if (a.status() < 200 || a.status() >= 500 || (a.status() >= 300 && a.status() < 400)) {
      fail(r.name(), "answered " + a.status() + ": " + a.body());
    }
    book(r, a.status() >= 200 && a.status() < 300);
    return a;
  }

  /**
   * Sends groups of requests side by side on {@code threads} connections, each group's requests one after the
   * other (a type clash needs its declaration first): as several clients of one shop send at once.
   */
  void sendAll(Collection<List<Request>> groups, int threads) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (List<Request> g : groups) {
      pool.execute(() -> g.forEach(this::send));
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      pool.shutdownNow();
      throw new AssertionError("requests still unanswered after 10 minutes");
    }
  }

  /** What the request's events are, as the spec reads its body; kept to be checked in the database at the end. */
  private synchronized void book(Request r, boolean ok) {
    JsonNode body;
    try {
      body = r.logical() == null ? null : STRICT.readTree(r.logical());
    } catch (IOException | RuntimeException e) {
      body = null;
    }
    if (ok && r.method().equals("POST") && (body == null || !body.isObject())) {
      fail(r.name(), "acknowledged a body that is not one JSON object (and nothing after it)");
      return;
    }
    if (body == null || !body.isObject()) {
      return;
    }
    String path = r.path().replaceAll("\\?.*", "");
    String last = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    String pathType = PATH_TYPES.get(last);
    if (pathType == null) {
      return;
    }
    List<JsonNode> messages = new ArrayList<>();
    if (pathType.equals("batch")) {
      body.path("batch").forEach(messages::add);
    } else {
      messages.add(body);
    }
    for (JsonNode m : messages) {
      if (!m.isObject() || !m.hasNonNull("messageId") || !(m.get("messageId").isTextual() || m.get("messageId").isNumber())) {
        continue;
      }
      String type = pathType.equals("batch") ? m.path("type").asText() : pathType;
      if (!EVENT_TYPES.contains(type)) {
        continue;
      }
      String id = m.get("messageId").asText();
      if (!ok) {
        refused.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(r.name());
        continue;
      }
      acked.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(r.name());
      JsonNode products = m.path("properties").path("products");
      boolean order = type.equals("track") && m.path("event").asText("").trim().equalsIgnoreCase("order completed");
      if (order) {
        int n = 0;
        int lenient = 0;
        for (JsonNode p : products) {
          String pid = p.hasNonNull("product_id") ? p.get("product_id").asText() : p.hasNonNull("sku") ? p.get("sku").asText() : "";
          n += !pid.isBlank() && p.path("price").isNumber() ? 1 : 0;
          lenient += !pid.isBlank() && (p.path("price").isNumber() || numeric(p.path("price").asText(""))) ? 1 : 0;
        }
        // A price sent as text ("9.99") may be read as its number or refused as a line: either count is right.
        exactLines.computeIfAbsent(id, k -> new LinkedHashSet<>()).addAll(List.of(n, lenient));
      }
      maxLines.merge(id, products.isArray() ? products.size() : 0, Math::max);
    }
  }

  static boolean numeric(String s) {
    try {
      return Double.isFinite(Double.parseDouble(s.trim()));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Kills the server, checks that the journal it leaves reads back, starts it again, checks that it accepts a
   * write, stops it, and checks every booked event in the database file.
   */
  void killRestartAndVerify() throws Exception {
    kill();
    Path journal = dir.resolve("data").resolve("journal.log");
    if (Files.exists(journal)) {
      int n = 0;
      for (byte[] record : JournalFile.frames(Files.readAllBytes(journal))) {
        try {
          JournalCodec.decode(record);
          n++;
        } catch (RuntimeException e) {
          fail("(journal)", "a journaled record does not read back: " + e);
        }
      }
      System.out.println("records in the journal at the kill: " + n);
    }
    start();
    byte[] body = "{\"userId\":\"hu-restart\",\"messageId\":\"after-restart\",\"event\":\"Hostile Probe\"}".getBytes(StandardCharsets.UTF_8);
    Answer a = send(new Request("after-restart-" + label, "POST", "/v1/track", Map.of("Content-Type", "application/json", "Authorization", basic()),
        body, body, true));
    if (a.status() != 200) {
      fail("after-restart-" + label, "the restarted server refused a valid write: " + a.status() + " " + a.body());
    }
    long t0 = System.nanoTime();
    stop();
    long t1 = System.nanoTime();
    verifyStored();
    System.out.printf("%s: stopped in %d ms, verified in %d ms%n", label, TimeUnit.NANOSECONDS.toMillis(t1 - t0),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1));
  }

  static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((HostileServer.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
  }

  private void verifyStored() throws Exception {
    Map<String, Integer> events = new HashMap<>();
    Map<String, Integer> lines = new HashMap<>();
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("data").resolve("segmenta.duckdb"), p);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT event_id, count(*) FROM events GROUP BY event_id")) {
        while (rs.next()) {
          events.put(rs.getString(1), rs.getInt(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT event_id, count(*) FROM order_lines GROUP BY event_id")) {
        while (rs.next()) {
          lines.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    for (Map.Entry<String, Set<String>> e : acked.entrySet()) {
      String id = e.getKey();
      int n = events.getOrDefault(id, 0);
      String shown = id.length() > 40 ? id.substring(0, 40) + "…(" + id.length() + " chars)" : id;
      if (n != 1) {
        e.getValue().forEach(name -> fail(name, "acknowledged event '" + shown + "' is stored " + n + " times"));
        continue;
      }
      int l = lines.getOrDefault(id, 0);
      Set<Integer> exact = exactLines.get(id);
      if (exact != null && !exact.contains(l)) {
        e.getValue().forEach(name -> fail(name, "order '" + shown + "' has " + l + " lines stored, expected one of " + exact));
      } else if (l > maxLines.getOrDefault(id, 0)) {
        e.getValue().forEach(name -> fail(name, "event '" + shown + "' has " + l + " lines stored, more than its " + maxLines.get(id) + " products"));
      }
    }
    for (Map.Entry<String, Set<String>> e : refused.entrySet()) {
      if (!acked.containsKey(e.getKey()) && events.containsKey(e.getKey())) {
        e.getValue().forEach(name -> fail(name, "refused, yet its event '" + e.getKey() + "' is stored"));
      }
    }
    System.out.println("acknowledged events checked: " + acked.size() + "; refused ones checked absent: " + refused.size());
  }
}
