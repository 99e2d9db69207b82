package io.segmenta.web;

import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.User;
import io.segmenta.web.auth.Users;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings, users (admins only): who may sign in, with which role; add and remove through {@link Users}, the same
 * checks and messages as {@code segmenta user add|remove}.
 */
final class UsersPage {
  private UsersPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (User u : v.users().list()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", u.name());
      row.put("role", u.role().label());
      row.put("self", u.name().equals(v.user().name()));
      rows.add(row);
    }
    m.put("users", rows);
    List<String> roles = new ArrayList<>();
    for (Role r : Role.values()) {
      roles.add(r.label());
    }
    m.put("roles", roles);
    return m;
  }

  static String add(Visit v) {
    String name = v.ctx().formParam("name");
    Role role = Role.parse(v.ctx().formParam("role"));
    String password = v.ctx().formParam("password");
    v.users().add(name == null ? null : name.trim(), role, (password == null ? "" : password).toCharArray());
    return "added " + name.trim() + " as " + role.label();
  }

  static String remove(Visit v) {
    String name = v.ctx().formParam("name");
    v.users().remove(name);
    return "removed " + name;
  }
}
