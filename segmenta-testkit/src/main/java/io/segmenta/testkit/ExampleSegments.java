package io.segmenta.testkit;

import io.segmenta.testkit.ShopGenerator.Persona;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ten example segments of the segmentation article in shared/seeds (001: students, full-time workers,
 * pensioners, families, eco-conscious, tech enthusiasts, travellers, fitness enthusiasts, luxury buyers,
 * budget-conscious), written in the text syntax as a marketer would, each with the planted persona it should find.
 */
public final class ExampleSegments {
  public record Example(String name, String rule, Persona persona) {}

  public static final Map<String, Example> ALL;

  static {
    Map<String, Example> m = new LinkedHashMap<>();
    add(m, "students", "occupation = \"student\" and age < 30", Persona.STUDENT);
    add(m, "full-time-workers", "occupation = \"full_time\"", Persona.FULL_TIME);
    add(m, "pensioners", "occupation = \"retired\" and age >= 65", Persona.PENSIONER);
    add(m, "families", "has_children = true and household_size >= 3", Persona.FAMILY);
    add(m, "eco-conscious", "values contains \"sustainability\" or count(order_line where category = \"eco\" in last 2 years) >= 2", Persona.ECO);
    add(m, "tech-enthusiasts", "interests contains \"technology\" or count(product_view where category = \"electronics\" in last 365 days) >= 3", Persona.TECH);
    add(m, "travellers", "interests contains \"travel\" or count(order_line where category = \"travel\") >= 1", Persona.TRAVELLER);
    add(m, "fitness-enthusiasts", "interests contains \"fitness\" or sum(order_line.line_total where category = \"sports\" in last 365 days) > 100", Persona.FITNESS);
    add(m, "luxury-buyers", "income >= 90000 and avg(order_line.unit_price) > 150", Persona.LUXURY);
    add(m, "budget-conscious", "attitudes contains \"price_sensitive\" or (count(order where discount > 0) / count(order) >= 0.75 and count(order) >= 3)", Persona.BUDGET);
    ALL = Collections.unmodifiableMap(m);
  }

  private ExampleSegments() {}

  private static void add(Map<String, Example> m, String name, String rule, Persona p) {
    m.put(name, new Example(name, rule, p));
  }
}
