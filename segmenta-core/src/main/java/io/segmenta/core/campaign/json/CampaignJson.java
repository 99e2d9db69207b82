package io.segmenta.core.campaign.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Campaign;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON form of a campaign:
 * <pre>{@code
 * {"key": "winter_sale", "segment": "vip", "priority": 10, "description": "...",
 *  "web": {"placement": "home_banner", "payload": {"headline": "Winter sale"}},
 *  "email_template": "winter_sale", "ad_destination": "meta_winter"}
 * }</pre>
 * Unknown fields are errors naming the field; printing writes the canonical form, which reads back equal.
 */
public final class CampaignJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("key", "segment", "priority", "description", "web", "email_template", "ad_destination");

  private CampaignJson() {}

  public static Campaign parse(String json) {
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UserException("the campaign is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
  }

  public static Campaign parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new UserException("a campaign is a JSON object with key, segment, priority and variants");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new UserException("unknown field '" + f + "' in the campaign; expected one of " + new TreeSet<>(FIELDS));
      }
    }
    JsonNode p = n.path("priority");
    if (!p.isMissingNode() && !p.canConvertToInt()) {
      throw new UserException("'priority' must be a whole number, got " + p);
    }
    if (!p.isMissingNode() && !p.isIntegralNumber()) {
      throw new UserException("'priority' must be a whole number, got " + p);
    }
    Campaign.Web web = null;
    JsonNode w = n.get("web");
    if (w != null && !w.isNull()) {
      if (!w.isObject()) {
        throw new UserException("'web' must be an object with placement and payload");
      }
      for (Iterator<String> it = w.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("placement") && !f.equals("payload")) {
          throw new UserException("unknown field '" + f + "' in the campaign's web variant; expected placement or payload");
        }
      }
      JsonNode payload = w.get("payload");
      web = new Campaign.Web(text(w, "placement", "web.placement"), payload == null || payload.isNull() ? null : payload.toString());
    }
    return new Campaign(text(n, "key", "key"), text(n, "segment", "segment"), p.isMissingNode() ? 0 : p.asInt(), web,
        text(n, "email_template", "email_template"), text(n, "ad_destination", "ad_destination"), text(n, "description", "description"));
  }

  public static String print(Campaign c) {
    return json(c).toString();
  }

  public static ObjectNode json(Campaign c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", c.key()).put("segment", c.segment()).put("priority", c.priority());
    if (!c.description().isEmpty()) {
      o.put("description", c.description());
    }
    if (c.web() != null) {
      ObjectNode w = o.putObject("web").put("placement", c.web().placement());
      try {
        w.set("payload", MAPPER.readTree(c.web().payload()));
      } catch (JsonProcessingException e) {
        throw new UserException("the web payload of campaign " + c.key() + " is not valid JSON");
      }
    }
    if (c.emailTemplate() != null) {
      o.put("email_template", c.emailTemplate());
    }
    if (c.adDestination() != null) {
      o.put("ad_destination", c.adDestination());
    }
    return o;
  }

  private static String text(JsonNode n, String f, String name) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new UserException("'" + name + "' must be text, got " + v);
    }
    return v.asText();
  }
}
