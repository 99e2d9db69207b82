package io.segmenta.web;

import io.segmenta.web.auth.Role;
import java.util.function.Function;

/**
 * A file the app sends rather than a page it shows (a segment's members as CSV, a subject-access export): its path,
 * the least role that may fetch it, and what writes it to the visit's response (content type, file name and body).
 */
record Download(String path, Role needs, Writer writer) {

  /** A file made whole before it is sent: its name for the browser, its content type, its bytes. */
  record File(String name, String type, byte[] bytes) {}

  @FunctionalInterface
  interface Writer {
    void write(Visit visit);
  }

  /** A writer for a file made whole in memory (small files; large ones stream through their own writer). */
  static Writer whole(Function<Visit, File> maker) {
    return v -> {
      File f = maker.apply(v);
      v.ctx().header("Content-Disposition", "attachment; filename=\"" + f.name() + "\"").contentType(f.type()).result(f.bytes());
    };
  }
}
