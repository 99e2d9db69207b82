package io.segmenta.core.ingest;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code target = order_lines}: one row per order line, grouped into orders by the order column. Orders whose key
 * starts with {@code cancellation.prefix} (UCI Online Retail's "C" invoices) become {@code return} events of the
 * same customer, with quantities and values made positive. Rows without a customer are kept, as guest orders under
 * an anonymous id, and counted.
 */
final class OrderRows implements RowMapper {
  private final Cells cells;
  private final int order;
  private final int profile;
  private final int timestamp;
  private final int productId;
  private final int productName;
  private final int category;
  private final int quantity;
  private final int unitPrice;
  private final int discount;
  private final int currencyColumn;
  private final String currency;
  private final String cancellation;
  private final String prefix;
  private final boolean normalize;
  private final boolean dedupe;
  private long duplicateLines;
  private final Map<PropertyDef, Integer> properties = new LinkedHashMap<>();
  private final Map<TraitDef, Integer> profileTraits = new LinkedHashMap<>();
  private final Map<String, Draft> orders = new LinkedHashMap<>();
  private final Map<String, Map<String, Value>> profiles = new LinkedHashMap<>();
  private long guestRows;
  private long cancellationRows;

  private static final class Draft {
    final String key;
    final String profileId;
    final Instant at;
    final Map<String, Value> props;
    final String currency;
    final List<OrderLine> lines = new ArrayList<>();
    /** Rows seen, for line.dedupe: a row is a duplicate only if every column matches, time included. */
    final Set<List<Object>> rows = new HashSet<>();

    Draft(String key, String profileId, Instant at, Map<String, Value> props, String currency) {
      this.key = key;
      this.profileId = profileId;
      this.at = at;
      this.props = props;
      this.currency = currency;
    }
  }

  OrderRows(Cells cells, Mapping m, Schema schema) {
    this.cells = cells;
    this.order = cells.required("order");
    this.profile = cells.optional("profile");
    this.timestamp = cells.required("timestamp");
    cells.checkConstant(timestamp, ValueType.TIMESTAMP);
    this.productId = cells.required("line.product_id");
    this.productName = cells.optional("line.product_name");
    this.category = cells.optional("line.category");
    this.quantity = cells.optional("line.quantity");
    this.unitPrice = cells.required("line.unit_price");
    this.discount = cells.optional("line.discount");
    this.currencyColumn = cells.optional("currency.column");
    this.currency = m.get("currency") != null ? m.get("currency") : m.get("const.currency");
    this.cancellation = m.get("cancellation.prefix");
    this.prefix = m.get("id.prefix", "");
    this.normalize = Boolean.parseBoolean(m.get("id.normalize", "false"));
    this.dedupe = Boolean.parseBoolean(m.get("line.dedupe", "false"));
    m.fields("line.").forEach(k -> {
      if (!List.of("product_id", "product_name", "category", "quantity", "unit_price", "discount", "dedupe").contains(k)) {
        throw m.error("line." + k, "an order line has product_id, product_name, category, quantity, unit_price and discount, not '" + k + "'");
      }
    });
    m.fields("property.").forEach(name -> {
      PropertyDef p = schema.property(name).orElseThrow(() -> m.error("property." + name, "unknown event property '" + name + "'; declare it with declare.property." + name + " = <type>"));
      if (!schema.eventType("order").orElseThrow().has(name)) {
        throw m.error("property." + name, "orders have no property '" + name + "'");
      }
      int index = cells.required("property." + name);
      cells.checkConstant(index, p.type());
      properties.put(p, index);
    });
    m.fields("profile.trait.").forEach(name -> {
      TraitDef t = schema.trait(name).filter(TraitDef::writable).orElseThrow(() -> m.error("profile.trait." + name, "unknown or derived trait '" + name + "'"));
      int index = cells.required("profile.trait." + name);
      cells.checkConstant(index, t.type());
      profileTraits.put(t, index);
    });
  }

  @Override
  public void accept(SourceRow row) {
    String key = cells.text(row, order, true, false);
    String pid = profile < 0 ? null : cells.text(row, profile, false, normalize);
    Value ts = cells.typed(row, timestamp, ValueType.TIMESTAMP);
    if (ts.isNull()) {
      throw new CellException(cells.name(timestamp), "expected a timestamp, the cell is empty");
    }
    String product = cells.text(row, productId, true, false);
    String name = productName < 0 ? null : cells.text(row, productName, false, false);
    String cat = category < 0 ? null : cells.text(row, category, false, false);
    double q = quantity < 0 ? 1 : number(row, quantity, true);
    double price = number(row, unitPrice, true);
    double disc = discount < 0 ? 0 : number(row, discount, false);
    if (disc < 0) {
      throw new CellException(cells.name(discount), "expected a discount of 0 or more, got " + disc);
    }
    String cur = currencyColumn >= 0 ? cells.text(row, currencyColumn, false, false) : currency;
    Map<String, Value> props = new LinkedHashMap<>();
    for (Map.Entry<PropertyDef, Integer> e : properties.entrySet()) {
      props.put(e.getKey().name(), cells.typed(row, e.getValue(), e.getKey().type()));
    }
    Map<String, Value> traits = new LinkedHashMap<>();
    for (Map.Entry<TraitDef, Integer> e : profileTraits.entrySet()) {
      traits.put(e.getKey().name(), cells.typed(row, e.getValue(), e.getKey().type()));
    }
    Draft d = orders.get(key);
    if (d == null) {
      d = new Draft(key, pid, ((Value.TimeValue) ts).value(), props, cur);
    } else if (!Objects.equals(d.profileId, pid)) {
      throw new CellException(profile < 0 ? null : cells.name(profile), "order " + key + " already belongs to customer " + d.profileId + ", this row says " + pid);
    }
    boolean cancelled = cancellation != null && key.startsWith(cancellation);
    double sign = cancelled ? -1 : 1;
    OrderLine line = new OrderLine(product, name, cat, q * sign, price, disc);
    if (dedupe && !d.rows.add(List.of(line, ts, props))) {
      duplicateLines++;
      return;
    }
    d.lines.add(line);
    orders.putIfAbsent(key, d);
    if (pid == null) {
      guestRows++;
    } else {
      Map<String, Value> known = profiles.computeIfAbsent(pid, k -> new LinkedHashMap<>());
      traits.forEach(known::putIfAbsent);
    }
    if (cancelled) {
      cancellationRows++;
    }
  }

  private double number(SourceRow row, int index, boolean required) {
    Value v = cells.typed(row, index, ValueType.NUMBER);
    if (v.isNull()) {
      if (required) {
        throw new CellException(cells.name(index), "expected a number, the cell is empty");
      }
      return 0;
    }
    return ((Value.Num) v).value();
  }

  @Override
  public Batch finish() {
    List<Event> events = new ArrayList<>(orders.size());
    for (Draft d : orders.values()) {
      boolean cancelled = cancellation != null && d.key.startsWith(cancellation);
      double value = 0;
      double items = 0;
      double discounts = 0;
      for (OrderLine l : d.lines) {
        value += l.total();
        items += l.quantity();
        discounts += l.discount();
      }
      Map<String, Value> p = new LinkedHashMap<>(d.props);
      p.put("order_id", Value.of(d.key));
      p.put("items", Value.of(items));
      if (d.currency != null) {
        p.put("currency", Value.of(d.currency));
      }
      if (cancelled) {
        p.put("value", Value.of(value));
      } else {
        p.put("revenue", Value.of(value));
        p.put("discount", Value.of(discounts));
      }
      String anonymous = d.profileId == null ? prefix + "guest:" + d.key : null;
      events.add(new Event(prefix + d.key, d.profileId, anonymous, cancelled ? "return" : "order", d.at, p, d.lines));
    }
    List<Profile> ps = new ArrayList<>(profiles.size());
    profiles.forEach((id, traits) -> ps.add(new Profile(id, List.of(), traits)));
    return new Batch(ps, events);
  }

  @Override
  public Map<String, Long> notes() {
    Map<String, Long> n = new LinkedHashMap<>();
    n.put("orders and cancellations", (long) orders.size());
    n.put("customers", (long) profiles.size());
    if (cancellationRows > 0) {
      n.put("cancellation rows (stored as returns)", cancellationRows);
    }
    if (duplicateLines > 0) {
      n.put("duplicate lines dropped (line.dedupe)", duplicateLines);
    }
    if (guestRows > 0) {
      n.put("rows without a customer id (stored as guest orders, in no segment)", guestRows);
    }
    return n;
  }
}
