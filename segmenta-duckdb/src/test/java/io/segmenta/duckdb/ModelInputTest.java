package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.UserException;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.store.Store;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.ml.cluster.FeatureMatrix;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What models read from the store in bulk (number columns, feature matrices with flags) and write back (scores),
 * checked against the per-profile reads they replace: the same profiles, values and memberships.
 */
class ModelInputTest {
  private static final Instant AS_OF = RandomShop.END.plusSeconds(86_400);
  private static final Rule BUYERS = RuleText.parseRule("orders >= 1");
  private static final Rule SEED = RuleText.parseRule("net_revenue > 100");
  private static final Rule DANES = RuleText.parseRule("country = \"DK\"");
  private static final String OPTED_OUT = "r0007";

  @TempDir
  static Path dir;
  static Store store;

  @BeforeAll
  static void load() {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    store.profiles().write(new RandomShop(21).data(200));
    store.consent().recordConsent(OPTED_OUT, List.of(new ConsentRecord(Purpose.ANALYTICS, false, AS_OF.minusSeconds(60), "test")));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static Set<String> members(Rule rule) {
    return new HashSet<>(store.audiences().run(new AudienceQuery.Page(rule, AS_OF, 0, Integer.MAX_VALUE)));
  }

  @Nested
  class Columns {
    @Test
    void numberColumns_matchValuesTraitsAndMembers() {
      List<String> traits = List.of("orders", "net_revenue", "age", "has_children");
      NumberColumns nc = store.audiences().run(new AudienceQuery.Columns(BUYERS, traits, List.of(SEED, DANES), AS_OF, Purpose.ANALYTICS));
      Set<String> expected = members(BUYERS);
      expected.remove(OPTED_OUT);
      assertEquals(expected, new HashSet<>(List.of(nc.ids())));
      Map<String, List<Value>> computed = new TreeMap<>();
      store.audiences().run(new AudienceQuery.Values(BUYERS, AS_OF, List.of(ComputedTraits.definition("orders").orElseThrow(), ComputedTraits.definition("net_revenue").orElseThrow()), computed::put));
      Map<String, Map<String, Value>> stored = new TreeMap<>();
      store.audiences().run(new AudienceQuery.Export(BUYERS, AS_OF, List.of("age", "has_children"), Purpose.ANALYTICS, m -> stored.put(m.profileId(), m.traits())));
      Set<String> seed = members(SEED);
      Set<String> danes = members(DANES);
      for (int i = 0; i < nc.rows(); i++) {
        String id = nc.ids()[i];
        assertEquals(number(computed.get(id).get(0)), nc.columns().get(0)[i], 1e-9, id);
        assertEquals(number(computed.get(id).get(1)), nc.columns().get(1)[i], 1e-9, id);
        assertEquals(number(stored.get(id).get("age")), nc.columns().get(2)[i], 1e-9, id);
        assertEquals(number(stored.get(id).get("has_children")), nc.columns().get(3)[i], 1e-9, id);
        assertEquals(seed.contains(id), nc.flags().get(0).get(i), id);
        assertEquals(danes.contains(id), nc.flags().get(1).get(i), id);
      }
    }

    @Test
    void numberColumns_textTrait_isRefusedByName() {
      UserException e = assertThrows(UserException.class, () -> store.audiences().run(new AudienceQuery.Columns(BUYERS, List.of("country"), List.of(), AS_OF, Purpose.ANALYTICS)));
      assertTrue(e.getMessage().contains("'country'"), e.getMessage());
    }

    private static double number(Value v) {
      return v instanceof Value.Num n ? n.value() : v instanceof Value.Bool b ? (b.value() ? 1 : 0) : Double.NaN;
    }
  }

  @Nested
  class Matrix {
    @Test
    void read_numberAndProfilePaths_giveTheSameRows() {
      // Numbers only: read as columns. With a text trait: read profile by profile. The shared columns must agree.
      List<Rule> flags = List.of(SEED, DANES);
      FeatureMatrix numbers = FeatureMatrix.read(store.catalog(), store.audiences(), AS_OF, BUYERS, List.of("orders", "net_revenue", "has_children"), flags);
      FeatureMatrix mixed = FeatureMatrix.read(store.catalog(), store.audiences(), AS_OF, BUYERS, List.of("orders", "net_revenue", "has_children", "city"), flags);
      assertTrue(mixed.features().size() > 3, mixed.features().toString());
      assertEquals(numbers.ids(), mixed.ids());
      assertEquals(numbers.incomplete(), mixed.incomplete());
      assertEquals(numbers.flags(), mixed.flags());
      for (int i = 0; i < numbers.ids().size(); i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(numbers.raw()[i][j], mixed.raw()[i][j], 0, numbers.ids().get(i));
        }
      }
      List<String> sorted = new ArrayList<>(numbers.ids());
      sorted.sort(null);
      assertEquals(sorted, numbers.ids());
      assertFalse(numbers.ids().contains(OPTED_OUT));
      Set<String> seed = members(SEED);
      for (int i = 0; i < numbers.ids().size(); i++) {
        assertEquals(seed.contains(numbers.ids().get(i)), numbers.flags().get(0).get(i));
      }
    }
  }

  @Nested
  class Scores {
    @Test
    void writeScores_arrays_replaceEveryonesValue() {
      store.catalog().declareTrait(new TraitDef("model_input_score", ValueType.NUMBER, Family.SCORE, "test score"));
      store.scores().writeScores(ScoreProvenance.of("test", AS_OF, Clock.systemUTC(), "test"), "model_input_score", new String[] {"r0001", "r0002"}, new double[] {0.25, 0.75});
      store.scores().writeScores(ScoreProvenance.of("test", AS_OF, Clock.systemUTC(), "test"), "model_input_score", new String[] {"r0002", "r0003"}, new double[] {0.5, Double.NaN});
      Map<String, Value> read = new TreeMap<>();
      store.audiences().run(new AudienceQuery.Export(RuleText.parseRule("model_input_score exists or model_input_score missing"), AS_OF, List.of("model_input_score"), Purpose.ANALYTICS,
          m -> read.put(m.profileId(), m.traits().get("model_input_score"))));
      assertEquals(Value.NULL, read.get("r0001"), "not in the second write: no score");
      assertEquals(new Value.Num(0.5), read.get("r0002"));
      assertEquals(Value.NULL, read.get("r0003"));
      assertEquals(AS_OF, store.scores().scoredAt("model_input_score").orElseThrow());
    }
  }
}
