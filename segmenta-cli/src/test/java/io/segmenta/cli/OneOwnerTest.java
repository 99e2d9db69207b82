package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.Violation;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.testkit.DataFiles;

/**
 * One owner per concept, seen from both doors: the CLI and the admin API over real HTTP on loopback, each on a real
 * DuckDB file, run the same erasure, the same segment deletion and write the same conversions JSON.
 */
class OneOwnerTest {
  static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
  static final String EMAIL = "one.owner.person@example.org";
  static final String ADMIN = "admin-one-owner";
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> SECRETS = List.of(EMAIL, "u-one-old", "u-one-new", "anon-one-1", "Onesecret", "ord-one-before-secret",
      "ord-one-after-secret", "ord-one-anon-secret");

  @TempDir
  Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  static Store open(Path data) {
    return DuckDb.open(StoreConfig.resolve(data, "500MB", 2, Map.of()));
  }

  static String[] cli(Path data, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", data.toString(), "--threads", "2", "--memory-limit", "500MB"));
    return all.toArray(new String[0]);
  }

  record Answer(int status, String body) {}

  Answer send(Server server, String method, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", "Bearer " + ADMIN)
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Answer(a.statusCode(), a.body());
  }

  /** Runs {@code call} against a server on the data directory, then closes both. */
  <T> T withServer(Path data, Function<Server, T> call) {
    try (Store s = open(data)) {
      Server server = Server.start(s, new Server.Options("127.0.0.1", 0, Set.of("wk"), ADMIN, Clock.systemUTC(), data));
      try {
        return call.apply(server);
      } finally {
        server.close();
      }
    }
  }

  // ---- erasure

  private static Event order(String id, String profile, String anonymous, Instant at) {
    return new Event(id, profile, anonymous, "order", at, Map.of("order_id", Value.of(id + "-secret"), "revenue", Value.of(40)),
        List.of(new OrderLine("sku-" + id, "Product of " + id, "shoes", 1, 40, 0)));
  }

  /** A person with every kind of leftover: a merged-away profile that came back, consents, history, scores, a violation example. */
  static void seedPerson(Path data) {
    try (Store s = open(data)) {
      s.catalog().declareTrait(new TraitDef("churn_score", ValueType.NUMBER, Family.SCORE, "a model's score"));
      s.profiles().write(new Batch(List.of(), List.of(order("ord-one-anon", null, "anon-one-1", T))));
      s.profiles().write(new Batch(List.of(new Profile("u-one-old", List.of(Identifier.email(EMAIL), new Identifier("anonymous_id", "anon-one-1")),
          Map.of("first_name", Value.of("Onesecret")))), List.of(order("ord-one-before", "u-one-old", null, T.plusSeconds(60)))));
      s.profiles().write(new Batch(List.of(new Profile("keep-1", List.of(Identifier.email("keep@example.org")), Map.of())),
          List.of(order("ord-keep", "keep-1", null, T.plusSeconds(30)))));
      s.consent().recordConsent("u-one-old", List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, T, "test")));
      s.membership().recordMembershipChanges(List.of(new MembershipChange("u-one-old", "buyers", true, T, "ord-one-before")));
      s.violationLog().recordViolations("web", List.of(new Violation(-1, "identify", "traits.contact", "number", "'" + EMAIL + "'")), T);
      s.profiles().write(new Batch(List.of(new Profile("u-one-new", List.of(Identifier.email(EMAIL)), Map.of())), List.of()));
      s.identities().merge("u-one-new", "u-one-old", "same email", T.plusSeconds(120));
      s.profiles().write(new Batch(List.of(), List.of(order("ord-one-after", "u-one-old", null, T.plusSeconds(180)))));
      s.scores().writeScores(ScoreProvenance.of("test", T.plusSeconds(200), Clock.systemUTC(), "none"), "churn_score", new String[] {"u-one-old", "u-one-new", "keep-1"}, new double[] {0.1, 0.2, 0.3});
      assertTrue(s.profiles().history("u-one-old").isPresent(), "the merged-away id came back");
    }
    for (String secret : SECRETS) {
      assertFalse(DataFiles.holding(data, secret).isEmpty(), secret + " is on disk before the erasure (so the check below can fail)");
    }
  }

  /** Every leftover of the person is gone, and the other customer is not. */
  static void assertErased(Path data, String door) {
    try (Store s = open(data)) {
      assertTrue(s.profiles().history("u-one-new").isEmpty() && s.profiles().history("u-one-old").isEmpty(), door + ": the profiles, the merged-away one too");
      assertTrue(s.identities().holders("email", EMAIL).isEmpty(), door + ": identifiers");
      assertTrue(s.identities().merges(null).isEmpty(), door + ": merge log");
      assertTrue(s.membership().membershipChanges(null, null, Instant.EPOCH, 100).isEmpty(), door + ": membership history");
      assertTrue(s.consent().consents("u-one-old").isEmpty() && s.consent().consents("u-one-new").isEmpty(), door + ": consents");
      assertEquals(1, s.profiles().stats().profiles(), door + ": only the other customer, with its score");
      assertEquals(1, s.profiles().stats().events(), door + ": the guest order and both orders of the person are gone");
      assertEquals(1, s.violationLog().violations(null, 10).size(), door + ": the violation's count stays");
      assertEquals(null, s.violationLog().violations(null, 10).get(0).example(), door + ": without its example");
    }
    for (String secret : SECRETS) {
      assertEquals(List.of(), DataFiles.holding(data, secret), door + ": " + secret + " is in no file after the erasure");
    }
    assertFalse(DataFiles.holding(data, "keep@example.org").isEmpty(), door + ": the other customer is still there");
  }


  @Test
  void erase_cliAndApi_leaveNothingOfThePerson() throws Exception {
    Path viaCli = dir.resolve("cli");
    seedPerson(viaCli);
    CliTest.Result r = CliTest.run(cli(viaCli, "profile", "erase", EMAIL, "--by", "email"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("erased 2 profile(s): 3 events, 3 order lines"), r.out());
    assertErased(viaCli, "cli");
    CliTest.Result none = CliTest.run(cli(viaCli, "profile", "erase", EMAIL, "--by", "email"));
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no profile has that email"), none.err());

    Path viaApi = dir.resolve("api");
    seedPerson(viaApi);
    Answer a = withServer(viaApi, server -> {
      try {
        return send(server, "DELETE", "/admin/profiles/" + EMAIL + "?by=email");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(200, a.status(), a.body());
    assertEquals(3, JSON.readTree(a.body()).get("events").asInt(), a.body());
    assertErased(viaApi, "api");
  }

  // ---- segment deletion

  /** Segments, a placement and an experiment that refer to "vip" (from the syntax tree), and one whose text only mentions it. */
  static void seedSegments(Path data) {
    try (Store s = open(data)) {
      s.profiles().write(new Batch(List.of(new Profile("p-1", List.of(), Map.of("first_name", Value.of("Ada")))), List.of(order("o-1", "p-1", null, T))));
      Segments segs = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.fixed(T, ZoneOffset.UTC));
      segs.save("vip", "orders >= 1", "buyers");
      segs.save("vip_old", "orders >= 2", "a longer name, not a reference");
      segs.save("vip_fans", "segment vip and count(order where segment vip_old) >= 0", "refers to vip");
      segs.save("quoted", "first_name = \"segment vip\"", "only the text mentions vip");
      s.membership().setRealtime("vip", true);
      s.placementDefinitions().save(PlacementJson.parse("{\"key\": \"hero\", \"contents\": [{\"key\": \"for_vips\", \"rule\": \"segment vip\"}], \"fallback\": {\"key\": \"default\"}}"));
      s.experimentDefinitions().save(ExperimentJson.parse("{\"key\": \"banner\", \"variants\": [\"control\", \"big\"], \"segment\": \"vip\"}"));
      s.journeyDefinitions().save(JourneyJson.parse("{\"key\": \"welcome_vip\", \"trigger\": {\"segment\": \"vip\", \"on\": \"enter\"},"
          + " \"steps\": [{\"id\": \"again\", \"branch\": \"segment vip\", \"yes\": \"done\", \"no\": \"done\"}, {\"id\": \"done\", \"exit\": true}]}"));
      s.destinationDefinitions().save(DestinationJson.parse("{\"key\": \"vip_files\", \"segment\": \"vip\", \"kind\": \"csv\","
          + " \"settings\": {\"folder\": \"out\"}}"));
      s.history().recompute(Map.of("vip", RuleText.parseRule("orders >= 1")), T, Set.of());
    }
  }

  static final String REFERRERS = "segment 'vip_fans' refers to 'vip'; placement 'hero' (content 'for_vips') refers to 'vip';"
      + " experiment 'banner' (targeting) refers to 'vip'; journey 'welcome_vip' (trigger, branch 'again') refers to 'vip';"
      + " destination 'vip_files' (its audience) refers to 'vip'; change or delete them first";

  static void unrefer(Path data) {
    try (Store s = open(data)) {
      s.segmentDefinitions().delete("vip_fans");
      s.placementDefinitions().delete("hero");
      s.experimentDefinitions().delete("banner");
      s.journeyDefinitions().delete("welcome_vip");
      s.destinationDefinitions().delete("vip_files");
    }
  }

  static void assertDeleted(Path data, String door) {
    try (Store s = open(data)) {
      assertTrue(s.segmentDefinitions().find("vip").isEmpty(), door);
      assertFalse(s.membership().realtimeSegments().contains("vip"), door + ": real-time tracking stopped");
      assertTrue(s.history().historySince("vip").isEmpty(), door + ": its membership history went with it");
      assertTrue(s.segmentDefinitions().find("quoted").isPresent() && s.segmentDefinitions().find("vip_old").isPresent(), door);
    }
  }

  @Test
  void deleteSegment_cliAndApi_refuseNamingTheReferrersThenStopTracking() throws Exception {
    Path viaCli = dir.resolve("cli");
    seedSegments(viaCli);
    CliTest.Result refused = CliTest.run(cli(viaCli, "segment", "delete", "vip"));
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains(REFERRERS), refused.err());
    unrefer(viaCli);
    CliTest.Result deleted = CliTest.run(cli(viaCli, "segment", "delete", "vip"));
    assertEquals(0, deleted.code(), deleted.err());
    assertDeleted(viaCli, "cli");

    Path viaApi = dir.resolve("api");
    seedSegments(viaApi);
    Answer conflict = withServer(viaApi, server -> call(() -> send(server, "DELETE", "/admin/segments/vip")));
    assertEquals(409, conflict.status(), conflict.body());
    assertEquals(REFERRERS, JSON.readTree(conflict.body()).get("error").asText());
    unrefer(viaApi);
    Answer ok = withServer(viaApi, server -> call(() -> {
      Answer a = send(server, "DELETE", "/admin/segments/vip");
      assertEquals(404, send(server, "DELETE", "/admin/segments/vip").status());
      return a;
    }));
    assertEquals(204, ok.status(), ok.body());
    assertDeleted(viaApi, "api");
  }

  interface Call<T> {
    T run() throws Exception;
  }

  static <T> T call(Call<T> c) {
    try {
      return c.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- one JSON form per report

  @Test
  void conversions_cliAndApi_writeOneJson() throws Exception {
    Path data = dir.resolve("shop");
    try (Store s = open(data)) {
      List<Event> orders = new ArrayList<>();
      List<Profile> people = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        people.add(new Profile("c-" + i, List.of(), Map.of("first_name", Value.of(i % 2 == 0 ? "Even" : "Odd"))));
        if (i % 3 == 0) {
          orders.add(order("co-" + i, "c-" + i, null, T.minusSeconds(86_400L * i)));
        }
      }
      s.profiles().write(new Batch(people, orders));
      new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.fixed(T, ZoneOffset.UTC)).save("evens", "first_name = \"Even\"", "half");
    }
    // The data ended long ago: both doors read it at its newest event by default, and the range includes it.
    CliTest.Result r = CliTest.run(cli(data, "conversions", "--from", "2025-01-01", "--period", "month", "--format", "json"));
    assertEquals(0, r.code(), r.err());
    JsonNode fromCli = JSON.readTree(r.out());
    JsonNode fromApi = JSON.readTree(withServer(data, server -> call(() -> send(server, "GET", "/admin/conversions?from=2025-01-01&period=month"))).body());
    assertEquals(fromCli, fromApi);
    assertEquals(T.toString(), fromApi.get("as_of").asText());
    assertTrue(fromApi.get("shares").get(1).has("customer_share"), fromApi.toString());
  }

  @Test
  void lookalikes_cliAndApi_writeOneJson() throws Exception {
    Path data = dir.resolve("demo");
    CliTest.Result demo = CliTest.run(cli(data, "demo", "--customers", "400"));
    assertEquals(0, demo.code(), demo.err());
    String asOf = "2025-06-30T23:00:00Z";
    CliTest.Result r = CliTest.run(cli(data, "lookalike", "orders >= 3", "--name", "regulars", "--evaluate", "--as-of", asOf, "--format", "json"));
    assertEquals(0, r.code(), r.err());
    JsonNode fromCli = JSON.readTree(r.out());
    String apiBody = withServer(data, server -> call(() -> {
      HttpRequest q = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/admin/lookalikes")).header("Authorization", "Bearer " + ADMIN)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"seed\": \"orders >= 3\", \"name\": \"regulars\", \"evaluate\": true, \"asOf\": \"" + asOf + "\"}")).build();
      HttpResponse<String> a = http.send(q, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, a.statusCode(), a.body());
      return a.body();
    }));
    JsonNode fromApi = JSON.readTree(apiBody);
    assertEquals(fromCli, fromApi);
    assertTrue(fromApi.get("seed_members").asInt() > 0 && fromApi.get("recovery").size() == 4, fromApi.toString());
  }
}
