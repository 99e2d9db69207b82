package io.segmenta.web;

/**
 * A form's POST: its path, the page it belongs to (whose role it needs and which is shown again after it), and what it
 * does. The handler returns what to tell the user, or throws {@code UserException} with the same message the CLI gives.
 */
record Action(String path, String page, Handler handler) {

  @FunctionalInterface
  interface Handler {
    String apply(Visit visit);
  }
}
