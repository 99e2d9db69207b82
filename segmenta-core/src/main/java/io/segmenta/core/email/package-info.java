/**
 * Personal e-mails: who receives what ({@code Recipients}: a profile's traits, computed traits, segments and
 * recommendations, and its e-mail consent). Rendering lives in {@code core.email.template}.
 */
package io.segmenta.core.email;
