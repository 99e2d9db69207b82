package io.segmenta.core.model;

import io.segmenta.core.schema.Schema;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A profile with every event attributed to it: what the in-memory evaluator decides membership on. */
public record ProfileHistory(Profile profile, List<Event> events) {
  public ProfileHistory {
    events = List.copyOf(events);
  }

  /**
   * The events of one type, with a type the schema calls derived ({@link Schema#derived}: {@code order_line}) read
   * from the lines of orders: each line becomes an event at its order's time carrying the line's fields, as the
   * stores expose it.
   */
  public List<Event> eventsOfType(String type) {
    List<Event> out = new ArrayList<>();
    if (Schema.standard().derived(type)) {
      for (Event e : events) {
        if (!e.type().equals("order")) {
          continue;
        }
        int n = 0;
        for (OrderLine l : e.lines()) {
          Map<String, Value> p = new LinkedHashMap<>();
          p.put("order_id", e.property("order_id"));
          p.put("product_id", Value.of(l.productId()));
          p.put("product_name", Value.of(l.productName()));
          p.put("category", Value.of(l.category()));
          p.put("quantity", Value.of(l.quantity()));
          p.put("unit_price", Value.of(l.unitPrice()));
          p.put("discount", Value.of(l.discount()));
          p.put("line_total", Value.of(l.total()));
          p.put("currency", e.property("currency"));
          out.add(new Event(e.id() + "#" + n++, e.profileId(), e.anonymousId(), type, e.timestamp(), p, List.of()));
        }
      }
      return out;
    }
    for (Event e : events) {
      if (e.type().equals(type)) {
        out.add(e);
      }
    }
    return out;
  }
}
