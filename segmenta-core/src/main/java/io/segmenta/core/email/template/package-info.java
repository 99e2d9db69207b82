/**
 * Template rendering with Pebble ({@code EmailRenderer}: strict variables, defaults, HTML escaping, subjects
 * without line breaks) and the template file ({@code EmailTemplate}, JSON). Kept out of the domain: the only
 * package that knows Pebble.
 */
package io.segmenta.core.email.template;
