package io.segmenta.bench;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.web.WebApp;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web app's pages on the 1M-customer shop (built by {@link SegmentBench}; give a copy of its directory, since a
 * DuckDB file is open in one process only): the ten example segments saved, a server with the web app on loopback,
 * an admin signed in. For each page: the first answer (which starts the page's background jobs), the time until
 * its background part has filled in (polled every 200 ms as htmx does, until no part asks again), and the median
 * answer of {@code --runs} later loads. The peer is the sign-in form in the same run, which reads nothing of the store:
 * a page's ratio to it is what the store's reads add. A cluster proposal is timed the same way (the form's answer,
 * then until the proposal is shown), and so is a CLV fit, after which the CLV page is timed again. Times are answers
 * over loopback: server time plus well under a millisecond.
 *
 * <pre>cp -r /tmp/bench-1m /tmp/bench-1m-pages
 * java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.PageBench --data-dir /tmp/bench-1m-pages --runs 5</pre>
 */
public final class PageBench {
  private PageBench() {}

  static final List<String> PAGES = List.of("/", "/segments", "/value", "/clv", "/clusters", "/lookalikes", "/conversions", "/surveys",
      "/personalization", "/experiments", "/journeys", "/destinations", "/campaigns", "/review", "/settings/users", "/settings/keys",
      "/segments/new");
  static final String PASSWORD = "bench password 1";
  static final Pattern POLLING = Pattern.compile("hx-trigger=\"load delay");

  record Timing(String page, double first, double filled, double warm) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "5"));
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    try (Store store = DuckDb.open(config)) {
      Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
      ExampleSegments.ALL.values().forEach(e -> {
        if (store.segmentDefinitions().find(e.name()).isEmpty()) {
          segments.save(e.name(), e.rule(), "example segment (PageBench)");
        }
      });
      Users users = Users.in(dir);
      if (users.find("bench").isEmpty()) {
        users.add("bench", Role.ADMIN, PASSWORD.toCharArray());
      }
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_page_bench_1"), "admin-key-page-bench", Clock.systemUTC(), dir),
          List.of(new WebApp(store, users, Clock.systemUTC())));
      try {
        String base = "http://127.0.0.1:" + server.port();
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String session = signIn(http, base);
        System.out.printf("%,d profiles, %d saved segments; %d runs per page%n", store.profiles().stats().profiles(),
            store.segmentDefinitions().all().size(), runs);
        List<Timing> timings = new ArrayList<>();
        timings.add(time(http, base, "/login", null, runs));
        for (String p : PAGES) {
          timings.add(time(http, base, p, session, runs));
        }
        // Pages of one segment and one person: the first saved segment and a profile in it.
        ExampleSegments.Example first = ExampleSegments.ALL.values().iterator().next();
        String segment = first.name();
        String someone = store.audiences().run(new AudienceQuery.Page(RuleText.parseRule(first.rule()), store.profiles().stats().lastEvent(), 0, 1)).get(0);
        for (String p : List.of("/segments/" + segment, "/segments/" + segment + "/history", "/profiles?q=" + someone,
            "/profiles/" + someone, "/profiles/" + someone + "/why/" + segment)) {
          timings.add(time(http, base, p, session, runs));
        }
        // A cluster proposal: the form's answer, then until the proposal is shown.
        String csrf = csrf(get(http, base + "/clusters", session).body());
        long t0 = System.nanoTime();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/clusters")).header("Cookie", session)
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&k=auto&seed=42")).build(),
            HttpResponse.BodyHandlers.ofString());
        double answer = (System.nanoTime() - t0) / 1e6;
        if (posted.statusCode() != 200) {
          throw new IllegalStateException("POST /clusters answered " + posted.statusCode());
        }
        double filled = fill(http, base, "/clusters", session, t0);
        timings.add(new Timing("POST /clusters (propose)", answer, filled, Double.NaN));
        // A CLV fit (stores every customer's clv_* scores): the form's answer, until the summaries are shown, then the page.
        long f0 = System.nanoTime();
        HttpResponse<String> fit = http.send(HttpRequest.newBuilder(URI.create(base + "/clv")).header("Cookie", session)
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf)).build(),
            HttpResponse.BodyHandlers.ofString());
        double fitAnswer = (System.nanoTime() - f0) / 1e6;
        if (fit.statusCode() != 200) {
          throw new IllegalStateException("POST /clv answered " + fit.statusCode());
        }
        timings.add(new Timing("POST /clv (fit)", fitAnswer, fill(http, base, "/clv", session, f0), Double.NaN));
        Timing clv = time(http, base, "/clv", session, runs);
        timings.add(new Timing("/clv (after the fit)", clv.first(), clv.filled(), clv.warm()));
        double floor = timings.get(0).warm();
        System.out.println("| page | first answer (ms) | filled in after (ms) | later answers, median (ms) | ratio to sign-in form |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Timing t : timings) {
          System.out.printf("| %s | %.0f | %s | %s | %s |%n", t.page(), t.first(), Double.isNaN(t.filled()) ? "–" : String.format("%.0f", t.filled()),
              Double.isNaN(t.warm()) ? "–" : String.format("%.0f", t.warm()), Double.isNaN(t.warm()) ? "–" : String.format("%.1f", t.warm() / floor));
        }
      } finally {
        server.close();
      }
    }
  }

  static Timing time(HttpClient http, String base, String page, String session, int runs) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> first = get(http, base + page, session);
    double firstMs = (System.nanoTime() - t0) / 1e6;
    if (first.statusCode() != 200) {
      throw new IllegalStateException(page + " answered " + first.statusCode());
    }
    double filled = POLLING.matcher(first.body()).find() ? fill(http, base, page, session, t0) : Double.NaN;
    double[] warm = new double[runs];
    for (int i = 0; i < runs; i++) {
      long s = System.nanoTime();
      get(http, base + page, session);
      warm[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(warm);
    return new Timing(page, firstMs, filled, warm[runs / 2]);
  }

  /** Polls the page as htmx does until nothing on it asks again; returns the time since {@code t0}. */
  static double fill(HttpClient http, String base, String page, String session, long t0) throws Exception {
    for (int i = 0; i < 3000; i++) {
      Thread.sleep(200);
      if (!POLLING.matcher(get(http, base + page, session).body()).find()) {
        return (System.nanoTime() - t0) / 1e6;
      }
    }
    throw new IllegalStateException(page + " did not fill in within 10 minutes");
  }

  static HttpResponse<String> get(HttpClient http, String url, String session) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (session != null) {
      b.header("Cookie", session);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String signIn(HttpClient http, String base) throws Exception {
    HttpResponse<String> form = get(http, base + "/login", null);
    String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String body = "csrf=" + csrf(form.body()) + "&name=bench&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> in = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("segmenta_session=")).findFirst().orElseThrow().split(";")[0];
  }

  static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token on the page");
    }
    return m.group(1);
  }
}
