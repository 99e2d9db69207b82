package io.segmenta.web.auth;

import io.segmenta.core.UserException;
import java.util.Locale;

/** What a user of the web app may do; each role may do everything the roles before it may. */
public enum Role {
  /** Aggregates only: counts, revenue, charts; personal data masked. */
  VIEWER,
  /** Segments, experiments, placements (and later journeys and audiences). */
  MARKETER,
  /** Keys, users, erasure. */
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The lower-case name, as written in the users file and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A role from its name, in any case. */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return r;
      }
    }
    throw new UserException("role must be viewer, marketer or admin, got '" + text + "'");
  }
}
