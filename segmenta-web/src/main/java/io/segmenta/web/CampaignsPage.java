package io.segmenta.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.HttpStatus;
import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.CampaignAudiences;
import io.segmenta.core.campaign.Campaigns;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.segment.Segments;
import io.segmenta.web.auth.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Campaigns (issue 17 in the app): each campaign's segment, channels (web placement, e-mail template, ad destination)
 * and priority, in the order arbitration tries them, with how many people it wins now ({@link CampaignAudiences#winners},
 * the function that fills the ad audiences and the decision API's choices); one campaign's page; adding one through a
 * form whose mistakes show beside their fields (the checks of {@link Campaign} and {@link Campaigns}, as the API's);
 * removing one, refused with the API's words while a destination is bound to it.
 */
final class CampaignsPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIELDS = List.of("form", "key", "segment", "priority", "web_placement", "web_payload", "email_template",
      "ad_destination", "description");

  private CampaignsPage() {}

  private static Campaigns campaigns(Visit v) {
    return new Campaigns(v.store().campaignDefinitions(), v.store().segmentDefinitions(), v.store().placementDefinitions(),
        v.store().destinationDefinitions());
  }

  /** How many people each campaign wins now, by key. */
  private static Map<String, Integer> wins(Visit v, List<Campaign> all) {
    Map<String, Integer> out = new HashMap<>();
    if (all.isEmpty()) {
      return out;
    }
    Clock clock = Clock.systemUTC();
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), clock);
    Map<String, Set<String>> won = CampaignAudiences.winners(new Arbitration(all), v.store().audiences(), segments::ruleOf, clock.instant());
    won.forEach((k, people) -> out.put(k, people.size()));
    return out;
  }

  private static Map<String, Object> describe(Campaign c, int rank, int won) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("key", c.key());
    r.put("href", "/campaigns/" + SegmentPage.enc(c.key()));
    r.put("rank", rank);
    r.put("priority", c.priority());
    r.put("segment", c.segment());
    r.put("segmentHref", "/segments/" + SegmentPage.enc(c.segment()));
    r.put("placement", c.web() == null ? "" : c.web().placement());
    r.put("payload", c.web() == null ? "" : c.web().payload());
    r.put("emailTemplate", c.emailTemplate() == null ? "" : c.emailTemplate());
    r.put("adDestination", c.adDestination() == null ? "" : c.adDestination());
    r.put("adHref", c.adDestination() == null ? "" : "/destinations/" + SegmentPage.enc(c.adDestination()));
    r.put("wins", Numbers.count(won));
    r.put("description", c.description());
    return r;
  }

  static Map<String, Object> list(Visit v) {
    List<Campaign> ranked = campaigns(v).ranked();
    Map<String, Integer> won = wins(v, ranked);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      rows.add(describe(ranked.get(i), i + 1, won.getOrDefault(ranked.get(i).key(), 0)));
    }
    Map<String, Object> m = new HashMap<>();
    m.put("campaigns", rows);
    m.put("canEdit", v.user().role().atLeast(Role.MARKETER));
    return m;
  }

  static Map<String, Object> page(Visit v) {
    String key = v.ctx().pathParam("key");
    List<Campaign> ranked = campaigns(v).ranked();
    int rank = 0;
    Campaign c = null;
    for (int i = 0; i < ranked.size() && c == null; i++) {
      if (ranked.get(i).key().equals(key)) {
        c = ranked.get(i);
        rank = i + 1;
      }
    }
    if (c == null) {
      throw new UserException("there is no campaign named '" + key + "'");
    }
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Campaign " + c.key());
    m.put("c", describe(c, rank, wins(v, ranked).getOrDefault(c.key(), 0)));
    m.put("of", ranked.size());
    m.put("canEdit", v.user().role().atLeast(Role.MARKETER));
    m.put("base", "/campaigns/" + SegmentPage.enc(c.key()));
    return m;
  }

  static Map<String, Object> form(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("title", "Add a campaign");
    m.put("segments", v.store().segmentDefinitions().all().stream().map(SegmentDefinition::name).toList());
    m.put("placements", v.store().placementDefinitions().all().stream().map(Placement::key).toList());
    m.put("destinations", v.store().destinationDefinitions().all().stream().map(Destination::key).toList());
    @SuppressWarnings("unchecked")
    Map<String, String> errors = (Map<String, String>) Optional.ofNullable(v.ctx().attribute("fieldErrors")).orElse(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, String> values = (Map<String, String>) Optional.ofNullable(v.ctx().attribute("formValues")).orElse(Map.of());
    Map<String, String> shownErrors = new HashMap<>();
    Map<String, String> shownValues = new HashMap<>();
    for (String f : FIELDS) {
      shownErrors.put(f, errors.getOrDefault(f, ""));
      shownValues.put(f, values.getOrDefault(f, ""));
    }
    m.put("errors", shownErrors);
    m.put("values", shownValues);
    return m;
  }

  /**
   * Adds a campaign from the form: the field checks are the form's own (a whole-number priority, a JSON payload), then
   * {@link Campaign}'s and {@link Campaigns#save}'s, whose messages name their field ({@code segment: ...}) and are shown
   * beside it; a saved campaign opens its page.
   */
  static String add(Visit v) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String f : FIELDS.subList(1, FIELDS.size())) {
      values.put(f, Optional.ofNullable(v.ctx().formParam(f)).orElse("").trim());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    String key = values.get("key");
    if (key.matches("[a-z0-9][a-z0-9_-]{0,62}") && v.store().campaignDefinitions().find(key).isPresent()) {
      errors.put("key", "a campaign named '" + key + "' exists already");
    }
    int priority = 0;
    if (!values.get("priority").isEmpty()) {
      try {
        priority = Integer.parseInt(values.get("priority"));
      } catch (NumberFormatException e) {
        errors.put("priority", "'priority' must be a whole number, got " + values.get("priority"));
      }
    }
    String payload = null;
    if (!values.get("web_payload").isEmpty()) {
      try {
        JsonNode p = JSON.readTree(values.get("web_payload"));
        payload = p.toString();
      } catch (JsonProcessingException e) {
        errors.put("web_payload", "web.payload must be JSON: " + e.getOriginalMessage());
      }
      if (values.get("web_placement").isEmpty()) {
        errors.put("web_placement", "a campaign's web variant needs a placement");
      }
    }
    Campaign c = null;
    if (errors.isEmpty()) {
      try {
        c = new Campaign(key, values.get("segment").isEmpty() ? null : values.get("segment"), priority,
            values.get("web_placement").isEmpty() ? null : new Campaign.Web(values.get("web_placement"), payload), blankToNull(values.get("email_template")),
            blankToNull(values.get("ad_destination")), values.get("description"));
        campaigns(v).save(c);
      } catch (UserException e) {
        errors.put(field(e.getMessage()), e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      v.ctx().attribute("fieldErrors", errors);
      v.ctx().attribute("formValues", values);
      throw new UserException("the campaign was not saved: " + errors.size() + (errors.size() == 1 ? " field needs" : " fields need")
          + " attention (see below)");
    }
    v.ctx().redirect("/campaigns/" + SegmentPage.enc(c.key()), HttpStatus.SEE_OTHER);
    return "saved campaign " + c.key();
  }

  /** The form field a check's message is about: its prefix ({@code segment: ...}) or the words it starts with. */
  static String field(String message) {
    if (message.startsWith("segment:") || message.matches("campaign .* needs a segment")) {
      return "segment";
    } else if (message.startsWith("web.placement:") || message.startsWith("a campaign's web variant")) {
      return "web_placement";
    } else if (message.startsWith("ad_destination:")) {
      return "ad_destination";
    } else if (message.startsWith("campaign key")) {
      return "key";
    }
    return "form";
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Removes a campaign; refused with the API's words while a destination is bound to it. */
  static String remove(Visit v) {
    String key = v.ctx().pathParam("key");
    if (!campaigns(v).remove(key)) {
      throw new UserException("there is no campaign named '" + key + "'");
    }
    v.ctx().redirect("/campaigns", HttpStatus.SEE_OTHER);
    return "removed campaign " + key;
  }
}
