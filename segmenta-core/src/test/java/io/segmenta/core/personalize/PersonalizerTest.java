package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.ProfileRow;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PersonalizerTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final Schema SCHEMA = Schema.standard().withTrait(new TraitDef("skill_level", ValueType.STRING, Family.CUSTOM, "golf skill"));
  static final SegmentResolver SAVED = SegmentResolver.of(Map.of("vip", RuleText.parseRule("gross_revenue > 1000"),
      "beginners", RuleText.parseRule("skill_level = \"beginner\"")));
  static final Recommendations RECS = (who, session, n) -> {
    List<Recommendations.Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Recommendations.Item((who == null ? "popular-" : who + "-") + i, n - i, who == null ? "popular" : "personal"));
    }
    return out;
  };

  static String golden() {
    try (InputStream in = PersonalizerTest.class.getResourceAsStream("/golden/placement.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Placement hero() {
    return PlacementJson.parse(golden());
  }

  static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  /** Three profiles: a consenting beginner golfer, a consenting VIP, and a VIP who never consented. */
  static ProfileIndex index(Personalizer p) {
    List<String> traits = p.traits();
    List<String> segments = new ArrayList<>(p.segments().keySet());
    int vip = segments.indexOf("vip");
    List<ProfileRow> rows = List.of(
        row("c-golfer", traits, Map.of("skill_level", new Value.Str("beginner"), "first_name", new Value.Str("Ada")), new BitSet(), true, "anon-g"),
        row("c-vip", traits, Map.of("skill_level", new Value.Str("pro")), bits(vip), true, "anon-v"),
        row("c-private", traits, Map.of("skill_level", new Value.Str("beginner")), bits(vip), false, "anon-p"));
    return ProfileIndex.of(NOW, traits, segments, rows);
  }

  static ProfileRow row(String id, List<String> traits, Map<String, Value> values, BitSet segs, boolean consent, String anon) {
    List<Value> v = new ArrayList<>();
    for (String t : traits) {
      v.add(values.getOrDefault(t, Value.NULL));
    }
    return new ProfileRow(id, List.of(new Identifier("anonymous_id", anon)), v, segs, consent);
  }

  static Personalizer compile(Placement... placements) {
    return Personalizer.compile(List.of(placements), SCHEMA, SAVED, k -> Optional.empty(), Interests.DEFAULT_HALF_LIFE);
  }

  static List<Click> golfSession() {
    return List.of(new Click(NOW.minusSeconds(120), Click.Kind.PRODUCT, "golf", "driver-1"),
        new Click(NOW.minusSeconds(60), Click.Kind.PRODUCT, "golf", "putter-2"));
  }

  static Placement noHoldout(Placement p) {
    return new Placement(p.key(), p.description(), p.strategy(), p.contents(), p.fallback(), 0, p.experiment());
  }

  @Nested
  class Format {
    @Test
    void print_matchesTheGoldenFile() {
      assertEquals(golden(), PlacementJson.print(hero()));
    }

    @Test
    void parse_unknownField_namesItAndWhere() {
      UserException e = assertThrows(UserException.class, () -> PlacementJson.parse(
          "{\"key\":\"x\",\"contents\":[{\"key\":\"a\",\"rul\":\"country = \\\"DK\\\"\"}],\"fallback\":{\"key\":\"d\"}}"));
      assertEquals("placement 'x', contents[0]: field 'rul' is unknown; known fields: [key, payload, recommendations, rule, score]", e.getMessage());
    }

    @Test
    void parse_missingFallback_isAnError() {
      UserException e = assertThrows(UserException.class, () -> PlacementJson.parse("{\"key\":\"x\",\"contents\":[]}"));
      assertTrue(e.getMessage().contains("'fallback' is required"), e.getMessage());
    }
  }

  @Nested
  class Compile {
    @Test
    void compile_collectsTraitsAndSegmentsToLoad() {
      Personalizer p = compile(hero());
      assertEquals(List.of("skill_level"), p.traits());
      assertEquals(List.of("vip"), List.copyOf(p.segments().keySet()));
    }

    @Test
    void compile_aggregate_isRefusedWithAWayOut() {
      Placement bad = PlacementJson.parse("{\"key\":\"x\",\"contents\":[{\"key\":\"a\",\"rule\":\"count(order in last 30 days) > 2\"}],\"fallback\":{\"key\":\"d\"}}");
      UserException e = assertThrows(UserException.class, () -> compile(bad));
      assertTrue(e.getMessage().startsWith("placement 'x', content 'a': 'count(order in last 30 days) > 2' reads events"), e.getMessage());
      assertTrue(e.getMessage().contains("save it as a segment"), e.getMessage());
    }

    @Test
    void compile_identifier_isRefusedWithAWayOut() {
      Placement bad = PlacementJson.parse("{\"key\":\"x\",\"contents\":[{\"key\":\"a\",\"rule\":\"identifier.email exists\"}],\"fallback\":{\"key\":\"d\"}}");
      UserException e = assertThrows(UserException.class, () -> compile(bad));
      assertTrue(e.getMessage().startsWith("placement 'x', content 'a': 'identifier.email exists' reads identifiers"), e.getMessage());
      assertTrue(e.getMessage().contains("save it as a segment"), e.getMessage());
    }

    @Test
    void compile_unknownTrait_namesPlacementAndContent() {
      Placement bad = PlacementJson.parse("{\"key\":\"x\",\"contents\":[{\"key\":\"a\",\"rule\":\"intnet = \\\"doubts\\\"\"}],\"fallback\":{\"key\":\"d\"}}");
      UserException e = assertThrows(UserException.class, () -> compile(bad));
      assertTrue(e.getMessage().startsWith("placement 'x', content 'a': "), e.getMessage());
      assertTrue(e.getMessage().contains("did you mean 'intent'"), e.getMessage());
    }
  }

  @Nested
  class Decide {
    final Personalizer p = compile(noHoldout(hero()));
    final ProfileIndex index = index(p);

    Personalizer.Outcome decide(String user, String anon, List<Click> clicks, Boolean consent) {
      return p.decide(new Personalizer.Request(user, anon, RequestContext.NONE, clicks, consent, List.of()), index,
          new Sessions(1000, Duration.ofMinutes(30)), RECS, NOW);
    }

    @Test
    void decide_beginnerGolferBrowsingGolf_getsIntermediateClubs() {
      Personalizer.Outcome o = decide("c-golfer", null, golfSession(), null);
      Personalizer.Choice c = o.choices().get(0);
      assertEquals("golf_beginner", c.content());
      assertEquals("top_interest = \"golf\" and skill_level = \"beginner\"", c.rule());
      assertEquals("golf", o.topInterest());
      assertEquals(List.of("c-golfer-0", "c-golfer-1", "c-golfer-2", "c-golfer-3"), c.items().stream().map(Recommendations.Item::productId).toList());
    }

    @Test
    void decide_vipWithoutGolf_getsTheVipOffer() {
      Personalizer.Choice c = decide("c-vip", null, List.of(), null).choices().get(0);
      assertEquals("vip_offer", c.content());
      assertFalse(c.fallback());
    }

    @Test
    void decide_withoutConsent_getsTheDefault() {
      Personalizer.Outcome o = decide("c-private", null, golfSession(), null);
      assertFalse(o.personalized());
      Personalizer.Choice c = o.choices().get(0);
      assertEquals("default", c.content());
      assertTrue(c.reason().startsWith("no consent"), c.reason());
      assertTrue(c.items().isEmpty());
    }

    @Test
    void decide_anonymousVisitor_isPersonalizedFromTheSessionUnlessDeclined() {
      Personalizer.Outcome o = decide(null, "anon-new", golfSession(), null);
      assertNull(o.profileId());
      assertEquals("golf", o.topInterest());
      assertEquals("default", o.choices().get(0).content(), "no skill level known, so no golf content");
      assertFalse(decide(null, "anon-new", golfSession(), false).personalized());
    }

    @Test
    void decide_anonymousIdStitchedToAProfile_readsTheProfile() {
      Personalizer.Outcome o = decide(null, "anon-v", List.of(), null);
      assertEquals("c-vip", o.profileId());
      assertEquals("vip_offer", o.choices().get(0).content());
    }

    @Test
    void decide_identifyingCarriesTheSessionOver() {
      Sessions sessions = new Sessions(1000, Duration.ofMinutes(30));
      p.decide(new Personalizer.Request(null, "anon-x", RequestContext.NONE, golfSession(), null, List.of()), index, sessions, RECS, NOW);
      Personalizer.Outcome o = p.decide(new Personalizer.Request("c-golfer", "anon-x", RequestContext.NONE, List.of(), null, List.of()),
          index, sessions, RECS, NOW);
      assertEquals("golf", o.topInterest());
      assertEquals("golf_beginner", o.choices().get(0).content());
    }

    @Test
    void decide_unknownPlacement_namesTheKnownOnes() {
      UserException e = assertThrows(UserException.class, () -> p.decide(new Personalizer.Request("c-vip", null, RequestContext.NONE,
          List.of(), null, List.of("footer")), index, new Sessions(10, Duration.ofMinutes(1)), RECS, NOW));
      assertEquals("there is no placement 'footer'; placements: [home_hero]", e.getMessage());
    }

    @Test
    void request_withoutAnyId_isRefused() {
      assertThrows(UserException.class, () -> new Personalizer.Request(null, " ", RequestContext.NONE, List.of(), null, List.of()));
    }
  }

  @Nested
  class Strategies {
    @Test
    void decide_highestScore_takesTheBestEligible() {
      Placement h = hero();
      Placement scored = new Placement("hs", "", Placement.Strategy.HIGHEST_SCORE, h.contents(), h.fallback(), 0, null);
      Personalizer p = compile(scored);
      // A VIP beginner browsing golf is eligible for both; the VIP offer scores 2.
      ProfileIndex idx = ProfileIndex.of(NOW, p.traits(), new ArrayList<>(p.segments().keySet()),
          List.of(row("c-both", p.traits(), Map.of("skill_level", new Value.Str("beginner")), bits(0), true, "a")));
      Personalizer.Choice c = p.decide(new Personalizer.Request("c-both", null, RequestContext.NONE, golfSession(), null, List.of()),
          idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW).choices().get(0);
      assertEquals("vip_offer", c.content());
      assertEquals("highest score (2.0) of 2 eligible", c.reason());
    }

    @Test
    void decide_holdout_showsTheDefaultToItsShare() {
      Personalizer p = compile(hero());
      ProfileIndex idx = index(p);
      int held = 0;
      int n = 4000;
      for (int i = 0; i < n; i++) {
        Personalizer.Choice c = p.decide(new Personalizer.Request(null, "visitor-" + i, RequestContext.NONE, List.of(), null, List.of()),
            idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW).choices().get(0);
        if (c.reason().startsWith("holdout")) {
          held++;
          assertEquals("default", c.content());
        }
      }
      assertEquals(0.05, held / (double) n, 0.012);
    }

    @Test
    void decide_experiment_showsTheVariantsContentAndRecordsTheExposure() {
      Experiment e = ExperimentJson.parse("{\"key\":\"hero_test\",\"variants\":[\"default\",\"vip_offer\"],\"metrics\":[]}");
      Placement h = hero();
      Placement exp = new Placement("hx", "", Placement.Strategy.EXPERIMENT, h.contents(), h.fallback(), 0, "hero_test");
      Personalizer p = Personalizer.compile(List.of(exp), SCHEMA, SAVED, k -> k.equals("hero_test") ? Optional.of(e) : Optional.empty(),
          Interests.DEFAULT_HALF_LIFE);
      ProfileIndex idx = index(p);
      int[] seen = new int[2];
      for (int i = 0; i < 400; i++) {
        Personalizer.Outcome o = p.decide(new Personalizer.Request(null, "v" + i, RequestContext.NONE, List.of(), null, List.of()),
            idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW);
        Personalizer.Choice c = o.choices().get(0);
        assertEquals(c.content().equals("default") ? "default" : "vip_offer", o.exposures().get(0).property("variation_id").toString().replace("\"", ""));
        seen[c.content().equals("default") ? 0 : 1]++;
        // The same visitor always gets the same content.
        assertEquals(c.content(), p.decide(new Personalizer.Request(null, "v" + i, RequestContext.NONE, List.of(), null, List.of()),
            idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW).choices().get(0).content());
      }
      assertTrue(seen[0] > 150 && seen[1] > 150, seen[0] + " / " + seen[1]);
    }

    @Test
    void decide_takeoverOfARunningExperimentsPlacement_recordsTheHeldOutWithTheVariantTheyWouldHaveSeen() {
      Personalizer.Takeover t = new Personalizer.Takeover("hx", "campaign:golf_days", Value.NULL, "{}", "campaign golf_days");
      for (String id : List.of("c-golfer", "c-vip")) {
        Personalizer p = experimentPlacement("{\"key\":\"hero_test\",\"variants\":[\"default\",\"vip_offer\"],\"metrics\":[]}");
        ProfileIndex idx = index(p);
        Personalizer.Request r = new Personalizer.Request(id, null, RequestContext.NONE, List.of(), null, List.of());
        Value wouldSee = p.decide(r, idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW).exposures().get(0).property("variation_id");
        Personalizer.Outcome o = p.decide(r, idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW, x -> Optional.of(t));
        assertEquals("campaign:golf_days", o.choices().get(0).content());
        assertEquals(1, o.exposures().size(), o.exposures().toString());
        Event held = o.exposures().get(0);
        assertEquals(Experiment.HELD_OUT_EVENT, held.type());
        assertEquals(id, held.profileId());
        assertEquals(new Value.Str("hero_test"), held.property("experiment_id"));
        assertEquals(new Value.Str("campaign:golf_days"), held.property("campaign"));
        assertEquals(wouldSee, held.property("variation_id"));
        assertEquals(held.id(), p.decide(r, idx, new Sessions(10, Duration.ofMinutes(30)), RECS, NOW, x -> Optional.of(t)).exposures().get(0).id(),
            "the same person held out again is the same event, counted once");
      }
    }

    @Test
    void decide_takeoverWhereTheExperimentWouldNotHaveTakenThePersonIn_recordsNothing() {
      Personalizer.Takeover t = new Personalizer.Takeover("hx", "campaign:golf_days", Value.NULL, "{}", "campaign golf_days");
      Personalizer.Request r = new Personalizer.Request("c-golfer", null, RequestContext.NONE, List.of(), null, List.of());
      for (String json : List.of("{\"key\":\"hero_test\",\"variants\":[\"default\",\"vip_offer\"],\"metrics\":[],\"stop\":\"2026-01-01T00:00:00Z\"}",
          "{\"key\":\"hero_test\",\"variants\":[\"default\",\"vip_offer\"],\"metrics\":[],\"coverage\":0.0}")) {
        Personalizer p = experimentPlacement(json);
        Personalizer.Outcome o = p.decide(r, index(p), new Sessions(10, Duration.ofMinutes(30)), RECS, NOW, x -> Optional.of(t));
        assertEquals("campaign:golf_days", o.choices().get(0).content());
        assertEquals(List.of(), o.exposures(), json);
      }
    }

    private Personalizer experimentPlacement(String experimentJson) {
      Experiment e = ExperimentJson.parse(experimentJson);
      Placement h = hero();
      Placement exp = new Placement("hx", "", Placement.Strategy.EXPERIMENT, h.contents(), h.fallback(), 0, "hero_test");
      return Personalizer.compile(List.of(exp), SCHEMA, SAVED, k -> k.equals("hero_test") ? Optional.of(e) : Optional.empty(),
          Interests.DEFAULT_HALF_LIFE);
    }

    @Test
    void compile_experimentVariantWithoutContent_isAnError() {
      Experiment e = ExperimentJson.parse("{\"key\":\"hero_test\",\"variants\":[\"default\",\"gold\"],\"metrics\":[]}");
      Placement h = hero();
      Placement exp = new Placement("hx", "", Placement.Strategy.EXPERIMENT, h.contents(), h.fallback(), 0, "hero_test");
      UserException x = assertThrows(UserException.class, () -> Personalizer.compile(List.of(exp), SCHEMA, SAVED, k -> Optional.of(e), Interests.DEFAULT_HALF_LIFE));
      assertTrue(x.getMessage().contains("variant 'gold'"), x.getMessage());
    }
  }
}
