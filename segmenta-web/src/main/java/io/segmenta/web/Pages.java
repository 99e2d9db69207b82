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
        new Page("/settings/users", "users", "Users", Role.ADMIN, UsersPage::load));
  }

  static List<Action> actions() {
    return List.of(
        new Action("/settings/users", "/settings/users", UsersPage::add),
        new Action("/settings/users/remove", "/settings/users", UsersPage::remove),
        new Action("/segments/new", "/segments/new", BuilderPage::save),
        new Action("/segments/new/check", "/segments/new/check", v -> ""),
        new Action("/segments/new/members", "/segments/new/members", v -> ""));
  }

  /** Files rather than pages (each checked for its role as a page is). */
  static List<Download> downloads() {
    return List.of(
        new Download("/segments/{name}/members.csv", Role.MARKETER, SegmentPage::csv));
  }
}
