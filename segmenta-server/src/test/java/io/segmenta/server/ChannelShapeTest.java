package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.audience.Digests;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Entry;
import io.segmenta.core.destination.Payloads;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.Member;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each API channel against a local HTTP server on loopback that checks its requests against the shape the platform
 * documents (field names, batch limits, hashing), as written from their references: Meta's Custom Audience users
 * edge, Google Ads' OfflineUserDataJobService, Mailchimp's list members and tags, and our signed webhook.
 */
class ChannelShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  @TempDir
  Path dir;

  private HttpServer server;
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String start(Handler h) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
      int[] status = {200};
      String answer;
      try {
        answer = h.handle(x, body, status);
      } catch (RuntimeException e) {
        problems.add(e.toString());
        answer = "{}";
        status[0] = 400;
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status[0], out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        x.getResponseBody().write(out);
      }
      x.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  interface Handler {
    String handle(HttpExchange x, String body, int[] status) throws IOException;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static List<Entry> members(Destination d, int n) {
    Payloads p = new Payloads(d);
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(p.entry(new Member("p" + i, List.of(Identifier.email("User" + i + "@Example.com"), Identifier.phone("+45 12 " + (100000 + i))), Map.of())));
    }
    return out;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> m = new HashMap<>();
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void meta_batchesOfAtMost10000_documentedPayloadAndSession() throws IOException {
    AtomicInteger rows = new AtomicInteger();
    List<Boolean> lastFlags = Collections.synchronizedList(new ArrayList<>());
    String base = start((x, body, status) -> {
      check(x.getRequestURI().getPath().equals("/2384/users"), "path " + x.getRequestURI().getPath());
      check("Bearer tok".equals(x.getRequestHeaders().getFirst("Authorization")), "token header");
      check(x.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded"), "form body");
      Map<String, String> f = form(body);
      JsonNode payload = JSON.readTree(f.get("payload"));
      check(payload.get("schema").toString().equals("[\"EMAIL\",\"PHONE\"]"), "schema " + payload.get("schema"));
      check(payload.get("data").size() <= 10_000, "batch of " + payload.get("data").size());
      for (JsonNode row : payload.get("data")) {
        check(row.size() == 2, "row of " + row.size());
        row.forEach(v -> check(v.asText().isEmpty() || v.asText().matches("[0-9a-f]{64}"), "not a sha-256: " + v));
      }
      JsonNode session = JSON.readTree(f.get("session"));
      for (String field : List.of("session_id", "batch_seq", "last_batch_flag", "estimated_num_total")) {
        check(session.has(field), "session lacks " + field);
      }
      if (x.getRequestMethod().equals("POST")) {
        rows.addAndGet(payload.get("data").size());
        lastFlags.add(session.get("last_batch_flag").asBoolean());
      }
      return "{\"audience_id\": \"2384\", \"num_received\": " + payload.get("data").size() + ", \"num_invalid_entries\": 0}";
    });
    Destination d = DestinationJson.parse("{\"key\": \"m\", \"segment\": \"s\", \"kind\": \"meta\", \"settings\": {\"audience_id\": \"2384\","
        + " \"token_env\": \"TOK\", \"api_base\": \"" + base + "\"}}");
    List<Entry> adds = members(d, 25_001);
    Channel ch = new Channels(Map.of("TOK", "tok")::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d);
    assertEquals(Channel.Delivery.ALL, ch.deliver(new Channel.Changes(d, adds, List.of(adds.get(0).kept()), adds)));
    assertEquals(List.of(), problems);
    assertEquals(25_001, rows.get());
    assertEquals(List.of(false, false, true), lastFlags);
    assertEquals(1, calls.stream().filter(c -> c.startsWith("DELETE")).count());
    // The hashes are of Meta's normalisation: lower-case e-mail; digits with the country code and no "+".
    assertEquals(Digests.sha256Hex("user0@example.com") + "," + Digests.sha256Hex("4512100000"), adds.get(0).add());
  }

  @Test
  void google_jobsWithConsentOnAdditions_operationsWithinLimit() throws IOException {
    List<String> kinds = Collections.synchronizedList(new ArrayList<>());
    String base = start((x, body, status) -> {
      String path = x.getRequestURI().getPath();
      check("Bearer tok".equals(x.getRequestHeaders().getFirst("Authorization")), "token");
      check("dev".equals(x.getRequestHeaders().getFirst("developer-token")), "developer-token");
      JsonNode b = JSON.readTree(body);
      if (path.equals("/customers/1234567890/offlineUserDataJobs:create")) {
        JsonNode job = b.get("job");
        check(job.get("type").asText().equals("CUSTOMER_MATCH_USER_LIST"), "job type");
        check(job.at("/customerMatchUserListMetadata/userList").asText().equals("customers/1234567890/userLists/77"), "user list");
        return "{\"resourceName\": \"customers/1234567890/offlineUserDataJobs/5\"}";
      }
      if (path.equals("/customers/1234567890/offlineUserDataJobs/5:addOperations")) {
        check(b.get("enablePartialFailure").asBoolean(), "partial failure");
        check(b.get("operations").size() <= 10_000, "operations " + b.get("operations").size());
        for (JsonNode op : b.get("operations")) {
          String kind = op.has("create") ? "create" : "remove";
          kinds.add(kind);
          JsonNode data = op.get(kind);
          for (JsonNode id : data.get("userIdentifiers")) {
            String v = id.has("hashedEmail") ? id.get("hashedEmail").asText() : id.get("hashedPhoneNumber").asText();
            check(v.matches("[0-9a-f]{64}"), "not a sha-256 hex " + v);
          }
          if (kind.equals("create")) {
            check("GRANTED".equals(data.at("/consent/adUserData").asText()) && "GRANTED".equals(data.at("/consent/adPersonalization").asText()),
                "additions carry ad_user_data and ad_personalization: " + data);
          } else {
            check(!data.has("consent"), "removals carry no consent");
          }
        }
        return "{}";
      }
      check(path.equals("/customers/1234567890/offlineUserDataJobs/5:run"), "unexpected " + path);
      return "{}";
    });
    Destination d = DestinationJson.parse("{\"key\": \"g\", \"segment\": \"s\", \"kind\": \"google\", \"settings\": {\"customer_id\": \"123-456-7890\","
        + " \"user_list_id\": \"77\", \"token_env\": \"TOK\", \"developer_token_env\": \"DEV\", \"api_base\": \"" + base + "\"}}");
    List<Entry> adds = members(d, 12_000);
    new Channels(Map.of("TOK", "tok", "DEV", "dev")::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d)
        .deliver(new Channel.Changes(d, adds, List.of(adds.get(5).kept()), adds));
    assertEquals(List.of(), problems);
    assertEquals(12_000, kinds.stream().filter("create"::equals).count());
    assertEquals(1, kinds.stream().filter("remove"::equals).count());
    assertEquals(2, calls.stream().filter(c -> c.endsWith(":run")).count());
    // Google's normalisation: the gmail rule does not touch example.com; the phone is E.164 with its "+".
    assertEquals(Digests.sha256Hex("user0@example.com") + "," + Digests.sha256Hex("+4512100000"), adds.get(0).add());
  }

  @Test
  void mailchimp_memberIdIsMd5OfLowerCaseEmail_tagsActiveAndInactive() throws IOException {
    List<String> statuses = Collections.synchronizedList(new ArrayList<>());
    String base = start((x, body, status) -> {
      String path = x.getRequestURI().getPath();
      check(x.getRequestHeaders().getFirst("Authorization").startsWith("Basic "), "basic auth");
      String[] parts = path.split("/");
      check(parts[1].equals("lists") && parts[2].equals("L1") && parts[3].equals("members"), "path " + path);
      JsonNode b = JSON.readTree(body);
      if (x.getRequestMethod().equals("PUT")) {
        check(parts[4].equals(Digests.md5Hex(b.get("email_address").asText().toLowerCase())), "member id is not md5 of the e-mail");
        check(b.get("status_if_new").asText().equals("subscribed"), "status_if_new");
        return "{}";
      }
      check(parts[5].equals("tags"), "tags path");
      check(b.at("/tags/0/name").asText().equals("vip"), "tag name");
      statuses.add(b.at("/tags/0/status").asText());
      if (parts[4].equals("gone")) {
        status[0] = 404;
        return "{\"detail\": \"not found\"}";
      }
      status[0] = 204;
      return "";
    });
    Destination d = DestinationJson.parse("{\"key\": \"mc\", \"segment\": \"s\", \"kind\": \"mailchimp\", \"settings\": {\"list_id\": \"L1\","
        + " \"tag\": \"vip\", \"api_key_env\": \"K\", \"api_base\": \"" + base + "\"}}");
    List<Entry> adds = members(d, 3);
    assertEquals(Digests.md5Hex("user0@example.com"), adds.get(0).kept());
    new Channels(Map.of("K", "key-us1")::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d)
        .deliver(new Channel.Changes(d, adds, List.of("gone"), adds));
    assertEquals(List.of(), problems);
    assertEquals(List.of("inactive", "active", "active", "active"), statuses);
  }

  @Test
  void apis_retryableAndFinalFailures() throws IOException {
    String base = start((x, body, status) -> {
      status[0] = x.getRequestURI().getPath().startsWith("/busy") ? 503 : 401;
      return "{\"error\": {\"message\": \"Invalid OAuth access token.\"}}";
    });
    for (String[] c : new String[][] {{"busy", "true"}, {"auth", "false"}}) {
      Destination d = DestinationJson.parse("{\"key\": \"m\", \"segment\": \"s\", \"kind\": \"meta\", \"settings\": {\"audience_id\": \"" + c[0]
          + "\", \"token_env\": \"TOK\", \"api_base\": \"" + base + "\"}}");
      List<Entry> adds = members(d, 1);
      Channel ch = new Channels(Map.of("TOK", "tok")::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d);
      Channel.ChannelException e = assertThrows(Channel.ChannelException.class, () -> ch.deliver(new Channel.Changes(d, adds, List.of(), adds)));
      assertEquals(Boolean.parseBoolean(c[1]), e.retryable(), e.getMessage());
      assertTrue(e.getMessage().contains("Invalid OAuth"), e.getMessage());
    }
  }

  @Test
  void webhook_signedLikeTheRealtimeFeed() throws IOException {
    List<JsonNode> got = Collections.synchronizedList(new ArrayList<>());
    String base = start((x, body, status) -> {
      check(("sha256=" + Webhooks.sign("s3cret", body.getBytes(StandardCharsets.UTF_8))).equals(x.getRequestHeaders().getFirst("X-Segmenta-Signature")),
          "signature");
      got.add(JSON.readTree(body));
      return "";
    });
    Destination d = DestinationJson.parse("{\"key\": \"w\", \"segment\": \"trap\", \"kind\": \"webhook\", \"exclusion\": true,"
        + " \"settings\": {\"url\": \"" + base + "/hook\", \"secret_env\": \"S\"}}");
    List<Entry> adds = members(d, 2);
    new Channels(Map.of("S", "s3cret")::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d)
        .deliver(new Channel.Changes(d, adds, List.of("p9"), adds));
    assertEquals(List.of(), problems);
    assertEquals("[\"p0\",\"p1\"]", got.get(0).get("adds").toString());
    assertEquals("[\"p9\"]", got.get(0).get("removes").toString());
    assertTrue(got.get(0).get("exclusion").asBoolean());
  }

  @Test
  void files_csvAndJsonLines_writtenWhole() throws IOException {
    for (String format : List.of("csv", "jsonl")) {
      Destination d = DestinationJson.parse("{\"key\": \"f\", \"segment\": \"s\", \"kind\": \"file\", \"settings\": {\"folder\": \""
          + dir.toString().replace("\\", "/") + "\", \"format\": \"" + format + "\"}}");
      List<Entry> all = members(d, 3);
      new Channels(Map.<String, String>of()::get, null, Clock.fixed(T, ZoneOffset.UTC)).apply(d).deliver(new Channel.Changes(d, all, List.of(), all));
      List<String> lines = Files.readAllLines(dir.resolve("f." + format));
      assertEquals(format.equals("csv") ? 4 : 3, lines.size());
      assertTrue(lines.get(lines.size() - 1).contains("user2@example.com"), lines.toString());
      assertFalse(Files.exists(dir.resolve(".f." + format + ".part")));
    }
  }
}
