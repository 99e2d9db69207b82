/**
 * Rendering the web app's pages: {@link io.segmenta.web.view.Templates} runs the Pebble templates under
 * {@code io/segmenta/web/templates} (HTML-escaped, strict variables). The only package of segmenta-web that knows Pebble.
 */
package io.segmenta.web.view;
