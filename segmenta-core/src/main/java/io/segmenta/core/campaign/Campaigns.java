package io.segmenta.core.campaign;

import io.segmenta.core.UserException;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import java.util.List;

/**
 * Saving and removing campaigns, the one path of the CLI and the admin API. A campaign is saved only when what it names
 * exists: its segment, the placement of its web variant and the destination of its ad audience (that destination then
 * holds only the people this campaign wins, see {@link CampaignAudiences}). The e-mail template is a template of a
 * journey, which may be written later, so it is not checked here. A campaign an ad destination is bound to is not
 * removed: the destination would lose everyone at its next sync.
 */
public final class Campaigns {
  private final Definitions<Campaign> campaigns;
  private final Definitions<SegmentDefinition> segments;
  private final Definitions<Placement> placements;
  private final Definitions<Destination> destinations;

  public Campaigns(Definitions<Campaign> campaigns, Definitions<SegmentDefinition> segments, Definitions<Placement> placements,
      Definitions<Destination> destinations) {
    this.campaigns = campaigns;
    this.segments = segments;
    this.placements = placements;
    this.destinations = destinations;
  }

  /** Checks what the campaign names and saves it (replacing one of the same key). */
  public Campaign save(Campaign c) {
    if (segments.find(c.segment()).isEmpty()) {
      throw new UserException("segment: there is no saved segment '" + c.segment() + "'");
    }
    if (c.web() != null && placements.find(c.web().placement()).isEmpty()) {
      throw new UserException("web.placement: there is no placement '" + c.web().placement() + "'");
    }
    if (c.adDestination() != null) {
      Destination d = destinations.find(c.adDestination())
          .orElseThrow(() -> new UserException("ad_destination: there is no destination '" + c.adDestination() + "'"));
      if (d.campaign() != null && !d.campaign().equals(c.key())) {
        throw new UserException("ad_destination: destination '" + d.key() + "' is bound to campaign '" + d.campaign() + "', not '" + c.key() + "'");
      }
    }
    return campaigns.save(c);
  }

  /** Removes a campaign; false when there is none of that key. */
  public boolean remove(String key) {
    List<String> bound = destinations.all().stream().filter(d -> key.equals(d.campaign())).map(Destination::key).toList();
    if (!bound.isEmpty()) {
      throw new UserException("campaign '" + key + "' is the ad audience of destination " + String.join(", ", bound)
          + "; remove or rebind it first");
    }
    return campaigns.delete(key);
  }

  /** The campaigns in the order arbitration tries them. */
  public List<Campaign> ranked() {
    return new Arbitration(campaigns.all()).ranked();
  }
}
