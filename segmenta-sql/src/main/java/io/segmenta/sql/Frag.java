package io.segmenta.sql;

import java.util.ArrayList;
import java.util.List;

/** A piece of SQL with the parameters of its placeholders, in placeholder order. */
final class Frag {
  final StringBuilder sql = new StringBuilder();
  final List<Object> params = new ArrayList<>();

  Frag add(String s) {
    sql.append(s);
    return this;
  }

  Frag add(Frag f) {
    sql.append(f.sql);
    params.addAll(f.params);
    return this;
  }

  Frag param(String placeholder, Object value) {
    sql.append(placeholder);
    params.add(value);
    return this;
  }

  static Frag of(String s) {
    return new Frag().add(s);
  }

  /** The SQL {@code x} with the parameters of its own placeholders. */
  static Frag of(String x, List<Object> xParams) {
    Frag f = Frag.of(x);
    f.params.addAll(xParams);
    return f;
  }
}
