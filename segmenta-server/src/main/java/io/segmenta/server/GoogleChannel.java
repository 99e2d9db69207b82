package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.destination.Destination;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google Customer Match through the Google Ads API's {@code OfflineUserDataJobService} (REST): a job of type
 * {@code CUSTOMER_MATCH_USER_LIST} for the user list ({@code offlineUserDataJobs:create}), its operations added in
 * requests of at most {@value #BATCH} ({@code :addOperations}, {@code enablePartialFailure}), then {@code :run}.
 * Removals go in a job of their own before the additions. Each member is a {@code UserData} of
 * {@code userIdentifiers} ({@code hashedEmail}, {@code hashedPhoneNumber}: SHA-256 hex of Google's normalisation);
 * additions carry the consent Google requires ({@code consent.adUserData} and {@code consent.adPersonalization},
 * the proto's {@code ad_user_data} and {@code ad_personalization}), {@code GRANTED} because only people whose
 * advertising consent allows it are sent; the job's metadata carries it too. Headers: the OAuth token and the
 * {@code developer-token}.
 */
final class GoogleChannel extends HttpChannel {
  static final int BATCH = 10_000;

  private final String base;
  private final String token;
  private final String developerToken;

  GoogleChannel(String base, String token, String developerToken) {
    super("google");
    this.base = base;
    this.token = token;
    this.developerToken = developerToken;
  }

  @Override
  public Delivery deliver(Changes c) {
    Destination d = c.destination();
    String customer = d.settings().get("customer_id").replace("-", "");
    String userList = "customers/" + customer + "/userLists/" + d.settings().get("user_list_id");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token);
    headers.put("developer-token", developerToken);
    if (d.settings().containsKey("login_customer_id")) {
      headers.put("login-customer-id", d.settings().get("login_customer_id").replace("-", ""));
    }
    String reason = null;
    if (!c.removes().isEmpty()) {
      reason = job(customer, userList, headers, c.removes(), false);
    }
    if (!c.adds().isEmpty()) {
      String r = job(customer, userList, headers, c.adds().stream().map(e -> e.add()).toList(), true);
      reason = reason == null ? r : reason;
    }
    return reason == null ? Delivery.ALL : new Delivery(0, reason);
  }

  private String job(String customer, String userList, Map<String, String> headers, List<String> rows, boolean create) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode job = body.putObject("job").put("type", "CUSTOMER_MATCH_USER_LIST");
    ObjectNode meta = job.putObject("customerMatchUserListMetadata").put("userList", userList);
    if (create) {
      consent(meta.putObject("consent"));
    }
    JsonNode created = send("POST", base + "/customers/" + customer + "/offlineUserDataJobs:create", headers, "application/json", body.toString());
    String job1 = created.path("resourceName").asText("");
    if (!job1.startsWith("customers/" + customer + "/offlineUserDataJobs/")) {
      throw new ChannelException("google answered no offline user data job", true);
    }
    String partial = null;
    for (int from = 0; from < rows.size(); from += BATCH) {
      JsonNode answer = send("POST", base + "/" + job1 + ":addOperations", headers, "application/json",
          operations(rows.subList(from, Math.min(rows.size(), from + BATCH)), create).toString());
      if (answer.has("partialFailureError") && partial == null) {
        partial = "google refused some members: " + errorMessage(JSON.createObjectNode().set("error", answer.get("partialFailureError")));
      }
    }
    send("POST", base + "/" + job1 + ":run", headers, "application/json", "{}");
    return partial;
  }

  /** The body of one {@code :addOperations} request. */
  static ObjectNode operations(List<String> rows, boolean create) {
    ObjectNode body = JSON.createObjectNode().put("enablePartialFailure", true);
    ArrayNode ops = body.putArray("operations");
    for (String row : rows) {
      int comma = row.indexOf(',');
      ObjectNode data = ops.addObject().putObject(create ? "create" : "remove");
      ArrayNode ids = data.putArray("userIdentifiers");
      if (comma > 0) {
        ids.addObject().put("hashedEmail", row.substring(0, comma));
      }
      if (comma < row.length() - 1) {
        ids.addObject().put("hashedPhoneNumber", row.substring(comma + 1));
      }
      if (create) {
        consent(data.putObject("consent"));
      }
    }
    return body;
  }

  private static void consent(ObjectNode o) {
    o.put("adUserData", "GRANTED").put("adPersonalization", "GRANTED");
  }
}
