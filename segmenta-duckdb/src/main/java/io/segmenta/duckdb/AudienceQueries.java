package io.segmenta.duckdb;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.Member;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.segmenta.core.Preconditions;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.port.ProfileRow;
import io.segmenta.core.port.Totals;
import io.segmenta.core.port.FunnelCounts;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import java.util.BitSet;
import java.util.function.BiConsumer;
import io.segmenta.sql.SqlCompiler;
import io.segmenta.core.consent.ConsentPolicy;

/**
 * Segment rules run over all profiles at once: counts, pages of members, exports, columns for models, the
 * profile rows the decision API loads, samples and member keys; totals are {@link MaskTotals}'. Takes the store's lock ({@link Db}) as the store did.
 */
final class AudienceQueries implements Audiences, AudienceQuery.Engine {
  private final Db db;
  private final MaskTotals totals;

  AudienceQueries(Db db, MaskTotals totals) {
    this.db = db;
    this.totals = totals;
  }

  // ---- audiences

  private long count(Rule rule, Instant asOf) {
    synchronized (db) {
      SqlCompiler.SqlQuery q = db.compiler().select(rule, asOf, "count(*)", null, List.of());
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw SqlFailures.of("the segment query failed: ", e);
      }
    }
  }

  private List<String> members(Rule rule, Instant asOf, long offset, int limit) {
    synchronized (db) {
      SqlCompiler.SqlQuery q = db.compiler().select(rule, asOf, "p.profile_id", "ORDER BY p.profile_id LIMIT ? OFFSET ?", List.of((long) limit, offset));
      List<String> out = new ArrayList<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("the segment query failed: ", e);
      }
    }
  }

  /**
   * Appends a column per trait to a select list: the stored column, or NULL for a computed trait, whose measure is
   * returned (in order) for the compiler to add after the rule's columns.
   */
  private static List<Measure> traitColumns(List<TraitDef> traits, StringBuilder cols) {
    List<Measure> computed = new ArrayList<>();
    for (TraitDef t : traits) {
      if (t.stored()) {
        cols.append(", p.").append(Columns.quote(t.name()));
      } else {
        cols.append(", NULL");
        computed.add(ComputedTraits.definition(t.name())
            .orElseThrow(() -> new UserException("trait '" + t.name() + "' is neither stored nor computed")));
      }
    }
    return computed;
  }

  /** Whether a profile's consent allows a purpose, by {@link ConsentPolicy}. */
  private static String consented(Purpose purpose) {
    return ConsentPolicy.sqlAllowed(purpose, "(SELECT c.granted FROM consents c WHERE c.pkey = p.pkey AND c.purpose = '" + purpose.label()
        + "' ORDER BY " + ConsentPolicy.sqlLatestFirst("c.ts", "c.granted") + " LIMIT 1)");
  }

  /** Identifiers packed by the queries as {@code kind US value RS kind US value ...} (see export and profileRows). */
  private static List<Identifier> identifiers(String packed) {
    List<Identifier> ids = new ArrayList<>();
    if (packed != null) {
      for (String pair : packed.split("\u001e")) {
        String[] kv = pair.split("\u001f", 2);
        ids.add(new Identifier(kv[0], kv[1]));
      }
    }
    return ids;
  }

  private void profileRows(List<String> traitNames, List<String> identifierKinds, List<Rule> segments, Instant asOf,
      Purpose purpose, Consumer<ProfileRow> sink) {
    synchronized (db) {
      Schema s = db.schema;
      List<TraitDef> traits = new ArrayList<>();
      for (String n : traitNames) {
        traits.add(s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "'")));
      }
      StringBuilder kinds = new StringBuilder();
      for (String k : identifierKinds) {
        Preconditions.checkArgument(k.matches("[a-z][a-z0-9_]{0,62}"), "identifier kind must be lower_snake_case, got '%s'", k);
        kinds.append(kinds.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
      }
      StringBuilder cols = new StringBuilder("p.pkey, ");
      cols.append(identifierKinds.isEmpty() ? "NULL" : "(SELECT string_agg(i.kind || chr(31) || i.value, chr(30) ORDER BY i.kind, i.value) FROM identifiers i"
          + " WHERE i.pkey = p.pkey AND i.kind IN (" + kinds + "))");
      cols.append(", ").append(consented(purpose));
      List<Measure> computed = traitColumns(traits, cols);
      int lead = 3 + traits.size();
      int masks = SqlCompiler.maskColumns(segments.size());
      SqlCompiler.SqlQuery q = db.compiler().membershipMasks(cols.toString(), segments, asOf, computed, List.of());
      List<ValueType> computedTypes = computed.stream().map(m -> Measures.type(m, s)).toList();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        String[] profileIds = db.keys.ids(db.conn, db.profilesVersion);
        while (rs.next()) {
          List<Identifier> ids = identifierKinds.isEmpty() ? List.of() : identifiers(rs.getString(2));
          BitSet member = new BitSet(segments.size());
          for (int m = 0; m < masks; m++) {
            long mask = rs.getLong(lead + 1 + m);
            for (int b = 0; b < SqlCompiler.MASK_BITS; b++) {
              if ((mask & (1L << b)) != 0) {
                member.set(m * SqlCompiler.MASK_BITS + b);
              }
            }
          }
          List<Value> values = new ArrayList<>(traits.size());
          int c = 0;
          for (int i = 0; i < traits.size(); i++) {
            TraitDef t = traits.get(i);
            values.add(t.stored() ? Columns.read(rs, 4 + i, t.type()) : Columns.read(rs, lead + masks + 1 + c, computedTypes.get(c++)));
          }
          sink.accept(new ProfileRow(profileIds[(int) rs.getLong(1)], ids, values, member, rs.getBoolean(3)));
        }
      } catch (SQLException e) {
        throw SqlFailures.of("the profile rows query failed: ", e);
      }
    }
  }

  private NumberColumns numberColumns(Rule universe, List<String> traitNames, List<Rule> flags, Instant asOf,
      Purpose purpose) {
    synchronized (db) {
      Schema s = db.schema;
      StringBuilder cols = new StringBuilder("p.pkey, ").append(consented(purpose)).append(" AS _consent");
      List<Measure> computed = new ArrayList<>();
      int stored = 0;
      int[] column = new int[traitNames.size()];
      for (int i = 0; i < traitNames.size(); i++) {
        String n = traitNames.get(i);
        TraitDef t = s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "'"));
        if (t.stored()) {
          if (t.type() != ValueType.NUMBER && t.type() != ValueType.BOOLEAN) {
            throw new UserException("trait '" + n + "' is a " + t.type().label() + ", not a number or a boolean");
          }
          cols.append(", CAST(p.").append(Columns.quote(n)).append(" AS DOUBLE)");
          column[i] = 3 + stored++;
        } else {
          Measure m = ComputedTraits.definition(n)
              .orElseThrow(() -> new UserException("trait '" + n + "' is neither stored nor computed"));
          if (Measures.type(m, s) != ValueType.NUMBER) {
            throw new UserException("computed trait '" + n + "' is not a number");
          }
          column[i] = -1 - computed.size();
          computed.add(m);
        }
      }
      List<Rule> rules = new ArrayList<>();
      rules.add(universe);
      rules.addAll(flags);
      int masks = SqlCompiler.maskColumns(rules.size());
      int firstMeasure = 3 + stored + masks;
      for (int i = 0; i < column.length; i++) {
        if (column[i] < 0) {
          column[i] = firstMeasure + (-1 - column[i]);
        }
      }
      SqlCompiler.SqlQuery q = db.compiler().membershipMasks(cols.toString(), rules, asOf, computed, List.of());
      // In key order, which is usually profile-id order too (keys are given in id order within each write).
      String sql = "SELECT * FROM (" + q.sql() + ") WHERE _consent AND (_sm0 & 1) = 1 ORDER BY pkey";
      int capacity = 1024;
      long[] keysRead = new long[capacity];
      double[][] values = new double[column.length][capacity];
      BitSet[] met = new BitSet[flags.size()];
      for (int k = 0; k < met.length; k++) {
        met[k] = new BitSet();
      }
      int n = 0;
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(new SqlCompiler.SqlQuery(sql, q.params())))) {
        while (rs.next()) {
          if (n == capacity) {
            capacity *= 2;
            keysRead = Arrays.copyOf(keysRead, capacity);
            for (int j = 0; j < values.length; j++) {
              values[j] = Arrays.copyOf(values[j], capacity);
            }
          }
          keysRead[n] = rs.getLong(1);
          for (int j = 0; j < column.length; j++) {
            double v = rs.getDouble(column[j]);
            values[j][n] = rs.wasNull() ? Double.NaN : v;
          }
          for (int k = 0; k < met.length; k++) {
            int bit = k + 1;
            if ((rs.getLong(3 + stored + bit / SqlCompiler.MASK_BITS) >>> (bit % SqlCompiler.MASK_BITS) & 1L) != 0) {
              met[k].set(n);
            }
          }
          n++;
        }
        String[] byKey = db.keys.ids(db.conn, db.profilesVersion);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
          ids[i] = byKey[(int) keysRead[i]];
        }
        List<double[]> out = new ArrayList<>();
        for (double[] v : values) {
          out.add(Arrays.copyOf(v, n));
        }
        return new NumberColumns(ids, out, List.of(met));
      } catch (SQLException e) {
        throw SqlFailures.of("the number columns query failed: ", e);
      }
    }
  }

  private long export(Rule rule, Instant asOf, List<String> traitNames, Purpose purpose, Consumer<Member> sink) {
    synchronized (db) {
      Schema s = db.schema;
      List<TraitDef> traits = new ArrayList<>();
      for (String n : traitNames) {
        traits.add(s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "' in the export column list")));
      }
      StringBuilder cols = new StringBuilder("p.profile_id, (SELECT string_agg(i.kind || chr(31) || i.value, chr(30) ORDER BY i.kind, i.value) FROM identifiers i WHERE i.pkey = p.pkey)");
      List<Measure> computed = traitColumns(traits, cols);
      // The purpose's latest recorded choice decides; without one, opt-in purposes are refused and analytics allowed.
      String consent = "AND " + consented(purpose);
      SqlCompiler.SqlQuery q = db.compiler().selectWithMeasures(rule, asOf, cols.toString(), computed, consent + " ORDER BY p.profile_id");
      long n = 0;
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        while (rs.next()) {
          List<Identifier> ids = identifiers(rs.getString(2));
          Map<String, Value> values = new LinkedHashMap<>();
          int m = 0;
          for (int i = 0; i < traits.size(); i++) {
            TraitDef t = traits.get(i);
            int col = t.stored() ? i + 3 : 3 + traits.size() + m++;
            values.put(t.name(), Columns.read(rs, col, t.type()));
          }
          sink.accept(new Member(rs.getString(1), ids, values));
          n++;
        }
        return n;
      } catch (SQLException e) {
        throw SqlFailures.of("the export query failed: ", e);
      }
    }
  }

  @Override
  public <R> R run(AudienceQuery<R> query) {
    return query.accept(this);
  }

  @Override
  public long count(AudienceQuery.Count q) {
    return count(q.rule(), q.asOf());
  }

  @Override
  public long sample(AudienceQuery.Sample q) {
    return countSample(q.rule(), q.asOf(), q.modulus());
  }

  @Override
  public List<String> page(AudienceQuery.Page q) {
    return members(q.rule(), q.asOf(), q.offset(), q.limit());
  }

  @Override
  public long[] keys(AudienceQuery.Keys q) {
    return memberKeys(q.rule(), q.asOf());
  }

  @Override
  public long export(AudienceQuery.Export q) {
    return export(q.rule(), q.asOf(), q.traits(), q.purpose(), q.sink());
  }

  @Override
  public void values(AudienceQuery.Values q) {
    values(q.rule(), q.asOf(), q.measures(), q.sink());
  }

  @Override
  public void rows(AudienceQuery.Rows q) {
    profileRows(q.traits(), q.identifierKinds(), q.segments(), q.asOf(), q.purpose(), q.sink());
  }

  @Override
  public NumberColumns columns(AudienceQuery.Columns q) {
    return numberColumns(q.universe(), q.traits(), q.flags(), q.asOf(), q.purpose());
  }

  @Override
  public FunnelCounts funnel(AudienceQuery.Funnel q) {
    return FunnelQuery.run(db, q);
  }

  @Override
  public Totals totals(Rule rule, Instant asOf, List<Measure> measures) {
    return totals(rule, asOf, measures, List.of());
  }

  private long countSample(Rule rule, Instant asOf, int modulus) {
    synchronized (db) {
      if (modulus < 1) {
        throw new IllegalArgumentException("sample modulus must be positive, got " + modulus);
      }
      SqlCompiler.SqlQuery q = db.compiler().select(rule, asOf, "count(*)", null, List.of(), modulus == 1 ? 0 : modulus);
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        rs.next();
        return rs.getLong(1) * modulus;
      } catch (SQLException e) {
        throw SqlFailures.of("the preview query failed: ", e);
      }
    }
  }

  private long[] memberKeys(Rule rule, Instant asOf) {
    synchronized (db) {
      SqlCompiler.SqlQuery q = db.compiler().select(rule, asOf, "p.pkey", "ORDER BY p.pkey", List.of());
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        long[] out = new long[1024];
        int n = 0;
        while (rs.next()) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = rs.getLong(1);
        }
        // Sorted again here: the readers merge these keys, and DuckDB's ORDER BY has come back as two ascending runs
        // on a million rows (see DestinationStateTable.fingerprints). Nearly sorted input sorts in one pass.
        long[] keys = Arrays.copyOf(out, n);
        Arrays.sort(keys);
        return keys;
      } catch (SQLException e) {
        throw SqlFailures.of("the members query failed: ", e);
      }
    }
  }

  private void values(Rule rule, Instant asOf, List<Measure> measures,
      BiConsumer<String, List<Value>> sink) {
    synchronized (db) {
      SqlCompiler.SqlQuery q = db.compiler().selectWithMeasures(rule, asOf, "p.pkey", measures, "ORDER BY p.pkey");
      List<ValueType> types = measures.stream().map(m -> Measures.type(m, db.schema)).toList();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery(LiteralSql.inline(q))) {
        String[] ids = db.keys.ids(db.conn, db.profilesVersion);
        while (rs.next()) {
          List<Value> values = new ArrayList<>(types.size());
          for (int i = 0; i < types.size(); i++) {
            values.add(Columns.read(rs, i + 2, types.get(i)));
          }
          sink.accept(ids[(int) rs.getLong(1)], values);
        }
      } catch (SQLException e) {
        throw SqlFailures.of("the values query failed: ", e);
      }
    }
  }

  @Override
  public String explain(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = db.compiler().select(rule, asOf, "p.profile_id", null, List.of());
    return q.sql() + "\n-- parameters: " + Arrays.toString(q.params().toArray());
  }

  @Override
  public Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    return totals.totals(rule, asOf, measures, numberTraits);
  }

  @Override
  public SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf, List<Measure> measures, List<String> numberTraits,
      BitSet spread) {
    return totals.segmentTotals(segments, asOf, measures, numberTraits, spread);
  }
}
