package io.segmenta.web.view;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page templates: one file per page under {@code io/segmenta/web/templates}, each extending {@code layout.peb}
 * (navigation, the signed-in user, the CSRF token for forms). Values are HTML-escaped; a variable a template names
 * but the page does not give fails the page instead of printing nothing.
 */
public final class Templates {
  private final PebbleEngine engine;

  public Templates() {
    ClasspathLoader loader = new ClasspathLoader(Templates.class.getClassLoader());
    loader.setPrefix("io/segmenta/web/templates");
    loader.setSuffix(".peb");
    engine = new PebbleEngine.Builder().loader(loader).strictVariables(true).autoEscaping(true).build();
  }

  /**
   * Parses template {@code name} (and what it extends or includes) into the engine's cache without rendering it: the
   * app does this for every page at start, so the first visitor does not pay for parsing (about half a second of the
   * first page's answer on a fresh JVM).
   */
  public void compile(String name) {
    engine.getTemplate(name);
  }

  /** Renders template {@code name} (without {@code .peb}) with the model. */
  public String render(String name, Map<String, Object> model) {
    StringWriter out = new StringWriter();
    try {
      engine.getTemplate(name).evaluate(out, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
