package io.segmenta.web;

import io.segmenta.web.auth.Role;
import java.util.List;

/**
 * The app's pages, in navigation order, and the forms' actions. Adding a page is a template under
 * {@code io/segmenta/web/templates}, a class that loads its model, and one line here.
 */
final class Pages {
  private Pages() {}

  static List<Page> all() {
    return List.of(
        new Page("/", "home", "Home", Role.VIEWER, HomePage::load),
        new Page("/segments", "segments", "Segments", Role.VIEWER, SegmentsPage::load),
        new Page("/segments/new", "builder", null, Role.MARKETER, BuilderPage::load),
        new Page("/segments/new/check", "builder-check", null, Role.MARKETER, BuilderPage::check),
        new Page("/segments/new/members", "builder-members", null, Role.MARKETER, BuilderPage::members),
        new Page("/segments/{name}", "segment", null, Role.VIEWER, SegmentPage::load),
        new Page("/profiles", "profiles", "Profiles", Role.VIEWER, ProfilesPage::search),
        new Page("/profiles/{id}", "profile", null, Role.VIEWER, ProfilesPage::profile),
        new Page("/profiles/{id}/why/{segment}", "profile-why", null, Role.VIEWER, ProfilesPage::why),
        new Page("/profiles/{id}/erase", "profile-erase", null, Role.ADMIN, ProfilesPage::confirmErase),
        new Page("/experiments", "experiments", "Experiments", Role.VIEWER, ExperimentsPage::list),
        new Page("/experiments/{key}", "experiment", null, Role.VIEWER, ExperimentsPage::report),
        new Page("/value", "value", "Value", Role.VIEWER, ValuePage::load),
        new Page("/clv", "clv", "CLV", Role.VIEWER, ClvPage::load),
        new Page("/clusters", "clusters", "Clusters", Role.MARKETER, ClustersPage::load),
        new Page("/lookalikes", "lookalikes", "Lookalikes", Role.MARKETER, LookalikesPage::load),
        new Page("/conversions", "conversions", "Conversions", Role.VIEWER, ConversionsPage::load),
        new Page("/surveys", "surveys", "Surveys", Role.VIEWER, SurveysPage::load),
        new Page("/personalization", "personalization", "Personalization", Role.VIEWER, PersonalizationPage::load),
        new Page("/journeys", "journeys", "Journeys", Role.VIEWER, JourneysPage::list),
        new Page("/journeys/new", "journeys", null, Role.MARKETER, JourneysPage::list),
        new Page("/journeys/{key}", "journey", null, Role.VIEWER, JourneysPage::page),
        new Page("/journeys/{key}/manage", "journey", null, Role.MARKETER, JourneysPage::page),
        new Page("/destinations", "destinations", "Audiences", Role.VIEWER, DestinationsPage::list),
        new Page("/destinations/new", "destination-new", null, Role.MARKETER, DestinationsPage::form),
        new Page("/destinations/{key}", "destination", null, Role.VIEWER, DestinationsPage::page),
        new Page("/destinations/{key}/run", "destination", null, Role.MARKETER, DestinationsPage::page),
        new Page("/campaigns", "campaigns", "Campaigns", Role.VIEWER, CampaignsPage::list),
        new Page("/campaigns/new", "campaign-new", null, Role.MARKETER, CampaignsPage::form),
        new Page("/campaigns/{key}", "campaign", null, Role.VIEWER, CampaignsPage::page),
        new Page("/campaigns/{key}/manage", "campaign", null, Role.MARKETER, CampaignsPage::page),
        new Page("/segments/{name}/history", "segment-history", null, Role.VIEWER, ReviewPage::history),
        new Page("/segments/{name}/history/manage", "segment-history", null, Role.MARKETER, ReviewPage::history),
        new Page("/review", "review", "Review", Role.VIEWER, ReviewPage::review),
        new Page("/settings/users", "users", "Users", Role.ADMIN, UsersPage::load),
        new Page("/settings/keys", "keys", "Write keys", Role.ADMIN, KeysPage::load));
  }

  static List<Action> actions() {
    return List.of(
        new Action("/journeys/new", "/journeys/new", JourneysPage::create),
        new Action("/journeys/{key}/activate", "/journeys/{key}/manage", JourneysPage::activate),
        new Action("/journeys/{key}/pause", "/journeys/{key}/manage", JourneysPage::pause),
        new Action("/destinations/new", "/destinations/new", DestinationsPage::add),
        new Action("/destinations/{key}/dry-run", "/destinations/{key}/run", DestinationsPage::dryRun),
        new Action("/destinations/{key}/sync", "/destinations/{key}/run", DestinationsPage::sync),
        new Action("/segments/{name}/history/backfill", "/segments/{name}/history/manage", ReviewPage::backfill),
        new Action("/settings/users", "/settings/users", UsersPage::add),
        new Action("/settings/users/remove", "/settings/users", UsersPage::remove),
        new Action("/clv", "/clv", ClvPage::fit),
        new Action("/clusters", "/clusters", ClustersPage::propose),
        new Action("/clusters/save", "/clusters", ClustersPage::save),
        new Action("/lookalikes", "/lookalikes", LookalikesPage::find),
        new Action("/lookalikes/save", "/lookalikes", LookalikesPage::save),
        new Action("/settings/keys", "/settings/keys", KeysPage::create),
        new Action("/settings/keys/revoke", "/settings/keys", KeysPage::revoke),
        new Action("/profiles/{id}/erase", "/profiles/{id}/erase", ProfilesPage::erase),
        new Action("/segments/new", "/segments/new", BuilderPage::save),
        new Action("/segments/new/check", "/segments/new/check", v -> ""),
        new Action("/segments/new/members", "/segments/new/members", v -> ""),
        new Action("/campaigns/new", "/campaigns/new", CampaignsPage::add),
        new Action("/campaigns/{key}/remove", "/campaigns/{key}/manage", CampaignsPage::remove));
  }

  /** Files rather than pages (each checked for its role as a page is). */
  static List<Download> downloads() {
    return List.of(
        new Download("/segments/{name}/members.csv", Role.MARKETER, SegmentPage::csv),
        new Download("/profiles/{id}/export", Role.ADMIN, Download.whole(ProfileExport::make)));
  }
}
