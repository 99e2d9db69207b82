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
        new Page("/settings/users", "users", "Users", Role.ADMIN, UsersPage::load));
  }

  static List<Action> actions() {
    return List.of(
        new Action("/settings/users", "/settings/users", UsersPage::add),
        new Action("/settings/users/remove", "/settings/users", UsersPage::remove));
  }
}
