package io.segmenta.core.ingest;

import io.segmenta.core.UserException;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code target = profiles}: one row per customer; id, identifier.* and trait.* columns (or const.* values). A file
 * without an id column takes {@code id = @line}: each row is the customer {@code <file name>:<line>}, stable as long
 * as the file is, and apart from another file's rows.
 */
final class ProfileRows implements RowMapper {
  private final Cells cells;
  private final int id;
  private final boolean lineIds;
  private final boolean normalize;
  private final Map<String, Integer> identifiers = new LinkedHashMap<>();
  private final Map<TraitDef, Integer> traits = new LinkedHashMap<>();
  private final List<Profile> out = new ArrayList<>();

  ProfileRows(Cells cells, Mapping m, Schema schema) {
    this.cells = cells;
    this.lineIds = "@line".equals(m.get("id"));
    this.id = lineIds ? -1 : cells.required("id");
    this.normalize = Boolean.parseBoolean(m.get("id.normalize", "false"));
    for (String kind : m.fields("identifier.")) {
      if (!kind.matches("[a-z][a-z0-9_]{0,62}")) {
        throw m.error("identifier." + kind, "an identifier kind is lower_snake_case, got '" + kind + "'");
      }
      identifiers.put(kind, cells.required("identifier." + kind));
    }
    for (String name : m.fields("trait.")) {
      TraitDef t = schema.trait(name).orElseThrow(() -> m.error("trait." + name, "unknown trait '" + name + "'; declare it with declare.trait." + name + " = <type>"));
      if (!t.writable()) {
        throw m.error("trait." + name, "'" + name + "' is " + t.family().label() + " by Segmenta and cannot be imported");
      }
      int index = cells.required("trait." + name);
      cells.checkConstant(index, t.type());
      traits.put(t, index);
    }
    if (traits.isEmpty() && identifiers.isEmpty()) {
      throw new UserException("the mapping names no trait.* or identifier.* columns, so the profiles would be empty");
    }
  }

  @Override
  public void accept(SourceRow row) {
    String pid = lineIds ? cells.source + ":" + row.line() : cells.text(row, id, true, normalize);
    List<Identifier> ids = new ArrayList<>();
    for (Map.Entry<String, Integer> e : identifiers.entrySet()) {
      String v = cells.text(row, e.getValue(), false, false);
      if (v != null) {
        try {
          ids.add(e.getKey().equals("email") ? Identifier.email(v) : new Identifier(e.getKey(), v));
        } catch (IllegalArgumentException ex) {
          throw new CellException(cells.name(e.getValue()), ex.getMessage());
        }
      }
    }
    Map<String, Value> values = new LinkedHashMap<>();
    for (Map.Entry<TraitDef, Integer> e : traits.entrySet()) {
      values.put(e.getKey().name(), cells.typed(row, e.getValue(), e.getKey().type()));
    }
    out.add(new Profile(pid, ids, values));
  }

  @Override
  public Batch finish() {
    return new Batch(out, List.of());
  }

  @Override
  public Map<String, Long> notes() {
    return Map.of();
  }
}
