package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.Campaigns;
import io.segmenta.core.campaign.json.CampaignJson;
import io.segmenta.core.store.Store;
import java.util.List;

/**
 * The admin API of campaigns: list (in the order arbitration tries them), show, save (the JSON form, checked by
 * {@link Campaigns}), delete, and which campaign a profile gets now. A change reloads the decision API's choices.
 */
final class CampaignRoutes {
  private final Store store;
  private final Campaigns campaigns;
  private final CampaignChoices choices;

  CampaignRoutes(Store store, CampaignChoices choices) {
    this.store = store;
    this.campaigns = new Campaigns(store.campaignDefinitions(), store.segmentDefinitions(), store.placementDefinitions(),
        store.destinationDefinitions());
    this.choices = choices;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/campaigns", Route.Access.ADMIN, "Campaigns, highest priority first (the order arbitration tries them)", null,
            this::list),
        new Route("GET", "/admin/campaigns/{key}", Route.Access.ADMIN, "One campaign", null, this::show),
        new Route("PUT", "/admin/campaigns/{key}", Route.Access.ADMIN,
            "Save a campaign (its JSON form; the key must match the path; its segment, placement and ad destination must exist)",
            "{\"key\", \"segment\", \"priority\", \"description\", \"web\": {\"placement\", \"payload\"}, \"email_template\", \"ad_destination\"}",
            this::save),
        new Route("DELETE", "/admin/campaigns/{key}", Route.Access.ADMIN, "Delete a campaign (not while an ad destination is bound to it)", null,
            this::delete),
        new Route("GET", "/admin/campaigns/of/{profileId}", Route.Access.ADMIN,
            "The campaign a profile gets now in every channel, as the decision API serves it", null, this::of));
  }

  private void list(Context ctx) {
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("campaigns");
    campaigns.ranked().forEach(c -> a.add(CampaignJson.json(c)));
    Http.json(ctx, 200, o);
  }

  private void show(Context ctx) {
    String key = ctx.pathParam("key");
    Campaign c = store.campaignDefinitions().find(key).orElseThrow(() -> new Http.Failure(404, "there is no campaign '" + key + "'"));
    Http.json(ctx, 200, CampaignJson.json(c));
  }

  private void save(Context ctx) {
    JsonNode body = Http.body(ctx, 64 * 1024);
    Campaign c;
    try {
      c = CampaignJson.parse(body);
      if (!c.key().equals(ctx.pathParam("key"))) {
        throw new UserException("key '" + c.key() + "' does not match the path's '" + ctx.pathParam("key") + "'");
      }
      campaigns.save(c);
    } catch (UserException e) {
      throw new Http.Failure(400, e.getMessage());
    }
    choices.reloadQuietly();
    Http.json(ctx, 200, CampaignJson.json(c));
  }

  private void delete(Context ctx) {
    String key = ctx.pathParam("key");
    boolean removed;
    try {
      removed = campaigns.remove(key);
    } catch (UserException e) {
      throw new Http.Failure(409, e.getMessage());
    }
    if (!removed) {
      throw new Http.Failure(404, "there is no campaign '" + key + "'");
    }
    choices.reloadQuietly();
    ctx.status(204);
  }

  private void of(Context ctx) {
    String id = ctx.pathParam("profileId");
    ObjectNode o = Http.JSON.createObjectNode().put("profileId", id);
    choices.of(id).ifPresentOrElse(c -> o.set("campaign", CampaignJson.json(c)), () -> o.putNull("campaign"));
    Http.json(ctx, 200, o);
  }
}
