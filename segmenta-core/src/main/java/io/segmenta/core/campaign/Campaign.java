package io.segmenta.core.campaign;

import io.segmenta.core.UserException;
import io.segmenta.core.privacy.Purpose;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment bound to one message, with a variant per channel: the content a web placement shows ({@code web}), the
 * e-mail template journeys send ({@code emailTemplate}), the ad audience it is synced to ({@code adDestination}),
 * any of them absent; and a priority (higher wins).
 */
public record Campaign(String key, String segment, int priority, Web web, String emailTemplate, String adDestination, String description) {

  /** The channels of a campaign and the consent purpose each needs. */
  public enum Channel {
    WEB(Purpose.PERSONALIZATION), EMAIL(Purpose.EMAIL_MARKETING), ADS(Purpose.ADVERTISING);

    public final Purpose purpose;

    Channel(Purpose purpose) {
      this.purpose = purpose;
    }
  }

  /** A web variant: the placement it fills and the content's payload (JSON text, handed to the page as is). */
  public record Web(String placement, String payload) {
    public Web {
      if (placement == null || placement.isBlank()) {
        throw new UserException("a campaign's web variant needs a placement");
      }
      payload = payload == null ? "{}" : payload;
    }
  }

  public Campaign {
    if (key == null || !key.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
      throw new UserException("campaign key must be lower-case letters, digits, '_' or '-', got '" + key + "'");
    }
    if (segment == null || segment.isBlank()) {
      throw new UserException("campaign " + key + " needs a segment");
    }
    if (web == null && emailTemplate == null && adDestination == null) {
      throw new UserException("campaign " + key + " needs a variant for at least one channel: web, email_template or ad_destination");
    }
    description = description == null ? "" : description;
  }

  /** The channels this campaign has a variant for. */
  public List<Channel> channels() {
    List<Channel> out = new ArrayList<>();
    if (web != null) {
      out.add(Channel.WEB);
    }
    if (emailTemplate != null) {
      out.add(Channel.EMAIL);
    }
    if (adDestination != null) {
      out.add(Channel.ADS);
    }
    return out;
  }
}
