package io.segmenta.web;

import io.segmenta.web.auth.Role;

/**
 * A file the app sends rather than a page it shows (a segment's members as CSV): its path, the least role that may
 * fetch it, and what writes it to the visit's response (content type, file name and body).
 */
record Download(String path, Role needs, Writer writer) {

  @FunctionalInterface
  interface Writer {
    void write(Visit visit);
  }
}
