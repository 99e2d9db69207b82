package io.segmenta.core.experiment.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Decision;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Unit;
import io.segmenta.core.value.Value;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** GrowthBook's SDK experiment payload, read as it is sent. */
class ExperimentJsonTest {
  /** An experiment as GrowthBook's SDK payload carries it, every field the issue names included. */
  static final String PAYLOAD = "{\"key\": \"hero\", \"name\": \"Hero banner\", \"phase\": \"1\", \"variations\": [\"a\", \"b\"],"
      + " \"meta\": [{\"key\": \"control\", \"name\": \"Control\"}, {\"key\": \"big\", \"name\": \"Big hero\", \"passthrough\": true}],"
      + " \"weights\": [0.5, 0.5], \"hashAttribute\": \"id\", \"hashVersion\": 2, \"bucketVersion\": 2, \"minBucketVersion\": 1,"
      + " \"disableStickyBucketing\": false, \"fallbackAttribute\": \"deviceId\", \"parentConditions\": []}";

  @Nested
  class Payload {
    @Test
    void parse_sdkPayloadFieldsAreAcceptedAndKept() {
      Experiment e = ExperimentJson.parse(PAYLOAD);
      assertEquals("Hero banner", e.name());
      assertEquals("1", e.phase());
      assertEquals("control", e.control().key(), "meta keys are the variant keys exposures record");
      assertEquals("Big hero", e.allocation().variants().get(1).name());
      assertTrue(e.allocation().variants().get(1).passthrough());
      assertEquals(new Allocation.Sticky(true, 2, 1, "deviceId"), e.allocation().sticky());
      assertEquals(e, ExperimentJson.parse(ExperimentJson.print(e)), "the canonical form reads back equal");
    }

    @Test
    void parse_withoutMetaKeysAreIndexes() {
      Experiment e = ExperimentJson.parse("{\"key\": \"k\", \"variations\": [0, 1]}");
      assertEquals("0", e.control().key());
      assertNull(e.name());
      assertEquals(Allocation.Sticky.DEFAULT, e.allocation().sticky());
    }

    @Test
    void parse_disableStickyBucketingTurnsItOff() {
      Experiment e = ExperimentJson.parse("{\"key\": \"k\", \"variations\": [0, 1], \"disableStickyBucketing\": true}");
      assertFalse(e.allocation().sticky().enabled());
      assertTrue(ExperimentJson.print(e).contains("\"disableStickyBucketing\":true"));
    }
  }

  @Nested
  class Refused {
    @Test
    void parse_parentConditionsAreRefusedByNameNotIgnored() {
      UserException x = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variations\": [0, 1],"
          + " \"parentConditions\": [{\"id\": \"parentFlag\", \"condition\": {\"value\": true}}]}"));
      assertTrue(x.getMessage().startsWith("experiment field 'parentConditions': prerequisite feature flags (parentFlag) cannot be evaluated"), x.getMessage());
    }

    @Test
    void parse_negativeBucketVersionIsNamed() {
      UserException x = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variations\": [0, 1], \"bucketVersion\": -1}"));
      assertEquals("experiment field 'bucketVersion': expected a whole number >= 0, got -1", x.getMessage());
    }

    @Test
    void parse_unknownMetaFieldIsNamed() {
      UserException x = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variations\": [0, 1], \"meta\": [{\"kee\": \"a\"}]}"));
      assertTrue(x.getMessage().startsWith("experiment field 'meta[0].kee' is unknown"), x.getMessage());
    }

    @Test
    void parse_metaWithSegmentasVariantsIsRefused() {
      UserException x = assertThrows(UserException.class, () -> ExperimentJson.parse("{\"key\": \"k\", \"variants\": [\"a\", \"b\"], \"meta\": []}"));
      assertTrue(x.getMessage().contains("not both"), x.getMessage());
    }
  }

  @Nested
  class Sticky {
    static Unit unit(String id, Map<String, String> stored) {
      return Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str(id)))).withStickyAssignments(stored);
    }

    @Test
    void decide_storedBucketBeatsTheHash() {
      Experiment e = ExperimentJson.parse(PAYLOAD);
      Decision byHash = Assignment.decide(e, unit("u-1", Map.of()));
      String other = byHash.variantKey().equals("control") ? "big" : "control";
      Decision sticky = Assignment.decide(e, unit("u-1", Map.of("hero__2", other)));
      assertEquals(other, sticky.variantKey());
      assertTrue(sticky.stickyBucketUsed());
    }

    @Test
    void decide_bucketBelowMinBucketVersionKeepsTheUnitOut() {
      Decision d = Assignment.decide(ExperimentJson.parse(PAYLOAD), unit("u-1", Map.of("hero__0", "big")));
      assertFalse(d.inExperiment());
      assertTrue(d.reason().contains("minBucketVersion"), d.reason());
    }

    @Test
    void decide_withoutAStoreStickyFieldsChangeNothing() {
      Experiment e = ExperimentJson.parse(PAYLOAD);
      Unit noStore = Unit.of(new Value.ObjectValue(Map.of("id", new Value.Str("u-1"))));
      assertEquals(Assignment.decide(e, unit("u-1", Map.of())).variantKey(), Assignment.decide(e, noStore).variantKey());
      Unit onlyDevice = Unit.of(new Value.ObjectValue(Map.of("deviceId", new Value.Str("d-1"))));
      assertFalse(Assignment.decide(e, onlyDevice).inExperiment(), "the fallback attribute is a sticky-bucketing feature, as in the SDKs");
      assertEquals("deviceId", Assignment.decide(e, onlyDevice.withStickyAssignments(Map.of())).hashAttribute());
    }
  }
}
