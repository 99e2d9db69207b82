package io.segmenta.web;

import io.segmenta.web.auth.Role;

/**
 * A file the app hands over (a GET answered with an attachment, not a page): its path, the least role that may have
 * it, and what makes it. The subject-access export is one.
 */
record Download(String path, Role needs, Maker maker) {

  /** The file: its name for the browser, its content type, its bytes. */
  record File(String name, String type, byte[] bytes) {}

  @FunctionalInterface
  interface Maker {
    File make(Visit visit);
  }
}
