package io.segmenta.core.email.template;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.schema.Names;
import java.util.Map;

/**
 * A personal e-mail in the Pebble template language (https://pebbletemplates.io): the subject and the HTML body
 * read the profile's traits and computed traits by name ({@code {{ first_name }}}, {@code {{ orders }}}), the
 * segments it is in ({@code {% if segments contains "vip" %}...{% endif %}}) and a slot of product
 * recommendations ({@code {% for item in recommendations %}{{ item.product_id }}{% endfor %}}).
 *
 * <p>Values are HTML-escaped in the body, and line breaks are removed from the subject (no header injection). A
 * value the profile lacks never prints as nothing ("Hi ,"): it takes the template's {@code defaults}, or an inline
 * {@code {{ first_name | default("there") }}}; with neither, rendering fails and names the variable.
 *
 * @param recommendations how many recommendations the slot holds (0: none)
 */
public record EmailTemplate(String key, String subject, String body, Map<String, String> defaults, int recommendations) {
  public EmailTemplate {
    checkArgument(key != null && Names.isValid(key), "template key must be lower_snake_case, got '%s'", key);
    checkArgument(subject != null && !subject.isBlank(), "template '%s' needs a subject", key);
    checkArgument(body != null && !body.isBlank(), "template '%s' needs a body", key);
    defaults = Map.copyOf(defaults);
    checkArgument(recommendations >= 0 && recommendations <= 50, "recommendations must be between 0 and 50, got %s", recommendations);
  }
}
