package io.segmenta.web;

import io.segmenta.web.auth.Role;
import java.util.Map;

/**
 * One page of the app: its path, its template (under {@code io/segmenta/web/templates}), its title in the navigation
 * (null: not in it), the least role that may see it, and what loads its model.
 */
record Page(String path, String template, String title, Role needs, Loader loader) {

  /** Reads what a page shows; runs after the store's acknowledged writes are readable. */
  @FunctionalInterface
  interface Loader {
    Map<String, Object> load(Visit visit);
  }
}
