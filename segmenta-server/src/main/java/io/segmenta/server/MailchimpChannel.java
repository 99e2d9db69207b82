package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A Mailchimp audience (Marketing API 3.0) with the segment as a tag. An addition puts the member
 * ({@code PUT /lists/{list_id}/members/{subscriber_hash}} with {@code email_address} and {@code status_if_new}
 * "subscribed": only people whose e-mail marketing consent allows it are sent) and makes the tag active
 * ({@code POST .../members/{subscriber_hash}/tags}, {@code {"tags": [{"name": tag, "status": "active"}]}}); a removal
 * makes it inactive. The member id is the MD5 of the lower-case address ({@code MailchimpHash}). Basic auth with
 * any user name and the API key. A member Mailchimp no longer has (404 on a removal) is already removed.
 */
final class MailchimpChannel extends HttpChannel {
  private final String auth;
  private final String base;

  MailchimpChannel(String base, String apiKey) {
    super("mailchimp");
    this.base = base;
    this.auth = "Basic " + Base64.getEncoder().encodeToString(("segmenta:" + apiKey).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  boolean ignorable(int code) {
    return code == 404;
  }

  @Override
  public Delivery deliver(Changes c) {
    Destination d = c.destination();
    String list = base + "/lists/" + d.settings().get("list_id") + "/members/";
    String tag = d.settings().get("tag");
    Map<String, String> headers = Map.of("Authorization", auth);
    for (String memberId : c.removes()) {
      send("POST", list + memberId + "/tags", headers, "application/json", tags(tag, false).toString());
    }
    for (Entry e : c.adds()) {
      ObjectNode member = JSON.createObjectNode().put("email_address", e.add()).put("status_if_new", "subscribed");
      send("PUT", list + e.kept(), headers, "application/json", member.toString());
      send("POST", list + e.kept() + "/tags", headers, "application/json", tags(tag, true).toString());
    }
    return Delivery.ALL;
  }

  static ObjectNode tags(String tag, boolean active) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("tags").addObject().put("name", tag).put("status", active ? "active" : "inactive");
    return body;
  }
}
