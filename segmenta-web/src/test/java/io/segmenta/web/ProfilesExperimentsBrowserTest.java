package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import io.segmenta.testkit.ExperimentScenario;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Profiles and Experiments pages in Debian's Chromium over a real store (a generated shop of 300 customers, an
 * experiment with 3,000 visitors, saved segments) and a real server on loopback: an experiment's report with its
 * forest plot drawn; a profile looked up by e-mail and why it is in a segment; a profile erased by an admin after the
 * confirmation, and a viewer refused; and, with a plain HTTP client, the erasure's form post without a CSRF token
 * refused. Screenshots of every page visited go to target/screenshots/profiles-experiments.
 */
class ProfilesExperimentsBrowserTest {
  static final String ADMIN_PASSWORD = "admin password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final Path SHOTS = Path.of("target", "screenshots", "profiles-experiments");

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, 300, 300, store.profiles()::write);
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    new ExperimentScenario(5, 3000, "DK", 0.5).write(profiles::add, events::add);
    store.profiles().write(new Batch(profiles, events));
    // A known person to look up by e-mail: two recent orders, in Denmark.
    store.profiles().write(new Batch(List.of(new Profile("anna", List.of(Identifier.email("anna@example.com")), Map.of("country", Value.of("DK")))),
        List.of()));
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String c : ExperimentScenario.COUNTRIES) {
      segments.save(c.toLowerCase(), "country = \"" + c + "\"", "");
    }
    segments.save("danes-who-order", "segment \"dk\" and count(order) >= 0", "");
    Experiment e = ExperimentScenario.experiment();
    store.experimentDefinitions().save(new Experiment(e.key(), e.description(), e.allocation(), e.targeting(),
        List.of(Metric.parse("purchase = count(order) >= 1", false), Metric.parse("revenue = sum(order.revenue)", false)),
        e.window(), e.exposureFilter(), e.start(), e.stop(), "Checkout banner", e.phase()));
    Users users = Users.in(data);
    users.add("ann", Role.ADMIN, ADMIN_PASSWORD.toCharArray());
    users.add("vic", Role.VIEWER, VIEWER_PASSWORD.toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_web_test_2"), "admin-key-web-test-2", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void walk_experimentReportProfileWhyAndErasure() throws Exception {
    ChromeDriver d = WebAppBrowserTest.chromium(dir);
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(90));
      signIn(d, "ann", ADMIN_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));

      // 4. An experiment's report: the forest plot is drawn, one mark per segment and variant.
      d.findElement(By.linkText("Experiments")).click();
      wait.until(x -> x.getTitle().startsWith("Experiments"));
      shot(d, "01-experiments");
      d.findElement(By.linkText("Checkout banner")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#forest-0 svg path")).isEmpty());
      int marks = d.findElements(By.cssSelector("#forest-0 svg path")).size();
      assertTrue(marks >= 7, "the forest plot draws a point and an interval per row, got " + marks + " paths");
      assertEquals(7, d.findElements(By.cssSelector("#forest-0 + table tbody tr")).size(), "everyone and six segments");
      assertFalse(d.findElements(By.id("srm-ok")).isEmpty() && d.findElements(By.id("srm-banner")).isEmpty(), "the split is reported either way");
      shot(d, "02-experiment-report");
      d.get(base + "/experiments/" + ExperimentScenario.KEY + "?sequential=true&by=dk");
      wait.until(x -> !x.findElements(By.cssSelector("#over-time svg path")).isEmpty());
      shot(d, "03-experiment-sequential");

      // 5. A profile looked up by e-mail, and why it is in a segment.
      d.findElement(By.linkText("Profiles")).click();
      wait.until(x -> x.getTitle().startsWith("Profiles"));
      d.findElement(By.id("q")).sendKeys("Anna@Example.com");
      d.findElement(By.id("search")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#results a")).isEmpty());
      shot(d, "04-profile-search");
      d.findElement(By.linkText("anna")).click();
      wait.until(x -> x.getTitle().startsWith("Profile"));
      assertTrue(d.findElement(By.id("identifiers")).getText().contains("email: anna@example.com"));
      shot(d, "05-profile");
      d.findElement(By.cssSelector("a.why[href='/profiles/anna/why/danes-who-order']")).click();
      wait.until(x -> !x.findElements(By.id("verdict")).isEmpty());
      assertEquals("in", d.findElement(By.id("verdict")).getText());
      List<WebElement> decided = d.findElements(By.cssSelector("#trace tr.decided"));
      assertTrue(decided.stream().anyMatch(r -> r.getText().contains("country = \"DK\"") && r.getText().contains("country = \"DK\"")),
          "the trace shows the nested segment's condition with its value, decided");
      shot(d, "06-profile-why-in");
      d.get(base + "/profiles/anna/why/se");
      wait.until(x -> !x.findElements(By.id("misses")).isEmpty());
      assertEquals("country is \"DK\"; needs \"SE\"", d.findElement(By.cssSelector("#misses li")).getText());
      shot(d, "07-profile-why-out");

      // 6. Erasure: a viewer is refused (and sees personal data masked), the admin erases after confirming.
      signOut(d, wait);
      signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(base + "/profiles/anna");
      assertTrue(d.findElement(By.id("identifiers")).getText().contains("email: " + Masking.MASK), d.findElement(By.id("identifiers")).getText());
      assertTrue(d.findElements(By.id("erase-link")).isEmpty(), "a viewer is offered no erasure");
      shot(d, "08-profile-viewer-masked");
      d.get(base + "/profiles/anna/erase");
      assertEquals("the page /profiles/anna/erase needs the role admin; you are signed in as a viewer", d.findElement(By.id("message")).getText());
      shot(d, "09-erase-viewer-refused");
      signOut(d, wait);
      signIn(d, "ann", ADMIN_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(base + "/profiles/anna");
      d.findElement(By.id("erase-link")).click();
      wait.until(x -> !x.findElements(By.id("erase-warning")).isEmpty());
      shot(d, "10-erase-confirm");
      d.findElement(By.id("confirm")).sendKeys("not anna");
      d.findElement(By.id("erase")).click();
      wait.until(x -> !x.findElements(By.cssSelector("p.error")).isEmpty());
      assertEquals("confirm: type the profile id 'anna' to erase it, got 'not anna'", d.findElement(By.cssSelector("p.error")).getText());
      assertTrue(store.profiles().history("anna").isPresent(), "nothing erased without the confirmation");
      d.findElement(By.id("confirm")).sendKeys("anna");
      d.findElement(By.id("erase")).click();
      wait.until(x -> !x.findElements(By.id("gone")).isEmpty());
      assertTrue(d.findElement(By.cssSelector("p.notice")).getText().startsWith("erased 1 profile(s) of this person"), d.findElement(By.cssSelector("p.notice")).getText());
      assertTrue(store.profiles().history("anna").isEmpty(), "the profile is gone from the store");
      assertTrue(store.profiles().findProfile("email", "anna@example.com").isEmpty());
      shot(d, "11-erased");
    } finally {
      d.quit();
    }
  }

  /** The profile page's figures are the evaluator's; the export is admin-only; the erasure's form needs its CSRF token. */
  @Test
  void http_exportWhyAndErasureChecks() throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String admin = session(http, "ann", ADMIN_PASSWORD);
    String viewer = session(http, "vic", VIEWER_PASSWORD);
    String id = store.profiles().profileIds().stream().filter(x -> !x.equals("anna")).findFirst().orElseThrow(); // the walk erases anna
    HttpResponse<String> export = get(http, "/profiles/" + id + "/export", admin);
    assertEquals(200, export.statusCode(), export.body());
    assertTrue(export.headers().firstValue("Content-Disposition").orElse("").contains("subject-access-" + id + ".json"));
    assertTrue(export.body().contains("\"events\""), export.body());
    assertEquals(403, get(http, "/profiles/" + id + "/export", viewer).statusCode(), "a viewer gets no subject-access export");

    // Each segment's verdict on the profile page is the evaluator's.
    HttpResponse<String> page = get(http, "/profiles/" + id, admin);
    assertEquals(200, page.statusCode(), page.body());
    ProfileHistory h = store.profiles().history(id).orElseThrow();
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    Instant asOf = Instant.parse(Pattern.compile("Figures as of ([^ ]+) \\(UTC\\)").matcher(page.body()).results().findFirst().orElseThrow().group(1));
    Evaluator ev = Evaluator.strict(asOf, segments.resolver());
    for (var s : store.segmentDefinitions().all()) {
      boolean in = ev.matches(RuleText.parseRule(s.rule()), h);
      assertTrue(page.body().contains("<tr class=\"" + (in ? "in" : "out") + "\"><th scope=\"row\">" + s.name() + "</th>"), s.name() + " should be " + in);
    }
    assertEquals(400, get(http, "/profiles/" + id + "/why/nope", admin).statusCode());
    assertTrue(get(http, "/profiles/" + id + "/why/nope", admin).body().contains("there is no saved segment named &#39;nope&#39;"));
    assertEquals(400, get(http, "/profiles/nobody", admin).statusCode());

    // 7. The erasure's form without its CSRF token is refused, and erases nothing.
    HttpResponse<String> noToken = post(http, "/profiles/" + id + "/erase", admin, Map.of("confirm", id));
    assertEquals(403, noToken.statusCode());
    assertTrue(store.profiles().history(id).isPresent());
    String token = csrf(get(http, "/profiles/" + id + "/erase", admin).body());
    assertEquals(403, post(http, "/profiles/" + id + "/erase", viewer, Map.of("confirm", id, "csrf", csrf(get(http, "/", viewer).body()))).statusCode(),
        "a viewer may not erase, even with a valid form");
    assertTrue(store.profiles().history(id).isPresent());
    HttpResponse<String> erased = post(http, "/profiles/" + id + "/erase", admin, Map.of("confirm", id, "csrf", token));
    assertEquals(200, erased.statusCode(), erased.body());
    assertTrue(store.profiles().history(id).isEmpty());
  }

  private static String session(HttpClient http, String name, String password) throws Exception {
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    String loginCookie = cookie(form, Auth.LOGIN_COOKIE);
    HttpResponse<String> in = post(http, "/login", loginCookie, Map.of("name", name, "password", password, "csrf", csrf(form.body())));
    assertEquals(303, in.statusCode(), in.body());
    return cookie(in, Auth.SESSION_COOKIE);
  }

  private static HttpResponse<String> get(HttpClient http, String path, String cookie) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient http, String path, String cookie, Map<String, String> form) throws Exception {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(0, c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name));
  }

  private static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the page holds a CSRF token");
    return m.group(1);
  }

  private static void signIn(ChromeDriver d, String name, String password) {
    d.get(base + "/login");
    WebElement n = d.findElement(By.id("name"));
    n.clear();
    n.sendKeys(name);
    d.findElement(By.id("password")).sendKeys(password);
    d.findElement(By.id("sign-in")).click();
  }

  private static void signOut(ChromeDriver d, WebDriverWait wait) {
    d.findElement(By.cssSelector("form.logout button")).click();
    wait.until(x -> x.getCurrentUrl().endsWith("/login"));
  }

  private static void shot(ChromeDriver d, String name) throws Exception {
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
