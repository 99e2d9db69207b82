package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.destination.Destination;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Meta Custom Audiences through the Marketing API (Graph API {@code /{custom_audience_id}/users}): additions are a
 * {@code POST}, removals a {@code DELETE}, each a form field {@code payload} holding
 * {@code {"schema": ["EMAIL", "PHONE"], "data": [[email hash, phone hash], ...]}} (an empty string where a
 * member has no such value) with a {@code session} ({@code session_id}, {@code batch_seq} from 1,
 * {@code last_batch_flag}, {@code estimated_num_total}) that ties the batches of one run together. At most
 * {@value #BATCH} rows per request, as the reference says ("only a maximum of 10000 at a time"). The token goes in
 * the Authorization header, never in a URL. Meta's answer counts {@code num_invalid_entries}: those are refused.
 */
final class MetaChannel extends HttpChannel {
  static final int BATCH = 10_000;
  static final List<String> SCHEMA = List.of("EMAIL", "PHONE");

  private final String base;
  private final String token;
  private final long sessionId;

  MetaChannel(String base, String token, long sessionId) {
    super("meta");
    this.base = base;
    this.token = token;
    this.sessionId = sessionId;
  }

  @Override
  public Delivery deliver(Changes c) {
    Destination d = c.destination();
    String url = base + "/" + d.settings().get("audience_id") + "/users";
    long refused = 0;
    String reason = null;
    List<String> adds = c.adds().stream().map(e -> e.add()).toList();
    for (String[] op : new String[][] {{"DELETE", "r"}, {"POST", "a"}}) {
      List<String> rows = op[1].equals("r") ? c.removes() : adds;
      long session = sessionId * 2 + (op[1].equals("r") ? 1 : 0);
      for (int from = 0, seq = 1; from < rows.size(); from += BATCH, seq++) {
        List<String> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
        JsonNode answer = send(op[0], url, Map.of("Authorization", "Bearer " + token), "application/x-www-form-urlencoded",
            "payload=" + URLEncoder.encode(payload(batch).toString(), StandardCharsets.UTF_8) + "&session="
                + URLEncoder.encode(session(session, seq, from + batch.size() >= rows.size(), rows.size()).toString(), StandardCharsets.UTF_8));
        long invalid = answer.path("num_invalid_entries").asLong(0);
        if (invalid > 0 && op[1].equals("a")) {
          refused += invalid;
          reason = "meta found " + invalid + " invalid entries";
        }
      }
    }
    return refused == 0 ? Delivery.ALL : new Delivery(refused, reason);
  }

  /** Meta's payload for a batch of kept values ({@code "emailhash,phonehash"}). */
  static ObjectNode payload(List<String> rows) {
    ObjectNode p = JSON.createObjectNode();
    ArrayNode schema = p.putArray("schema");
    SCHEMA.forEach(schema::add);
    ArrayNode data = p.putArray("data");
    for (String row : rows) {
      int comma = row.indexOf(',');
      data.addArray().add(row.substring(0, comma)).add(row.substring(comma + 1));
    }
    return p;
  }

  private static ObjectNode session(long id, int seq, boolean last, int total) {
    return JSON.createObjectNode().put("session_id", id).put("batch_seq", seq).put("last_batch_flag", last).put("estimated_num_total", total);
  }

  /** Splits rows into the batches Meta takes. */
  static List<List<String>> batches(List<String> rows) {
    List<List<String>> out = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += BATCH) {
      out.add(rows.subList(from, Math.min(rows.size(), from + BATCH)));
    }
    return out;
  }
}
