package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The split check's numbers and its three bands. Golden p-values from the chi-square closed forms (one degree of
 * freedom: erfc(sqrt(x / 2)); two: exp(-x / 2)), computed outside Java.
 */
class SampleRatioMismatchTest {

  @Nested
  class Verdicts {
    @Test
    void verdict_healthySplitIsOk() {
      SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[] {5000, 5200}, new double[] {0.5, 0.5});
      assertEquals(3.92157, r.chiSquare(), 5e-6);
      assertEquals(0.04767, r.pValue(), 5e-6);
      assertEquals(SampleRatioMismatch.Verdict.OK, r.verdict(), "0.048 happens by chance one look in twenty");
    }

    @Test
    void verdict_betweenTheThresholdsIsWatch() {
      SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[] {5000, 5300}, new double[] {0.5, 0.5});
      assertEquals(8.73786, r.chiSquare(), 5e-6);
      assertEquals(0.00312, r.pValue(), 5e-6);
      assertEquals(SampleRatioMismatch.Verdict.WATCH, r.verdict());
    }

    @Test
    void verdict_belowGrowthBooksThresholdIsMismatch() {
      SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[] {5000, 5450}, new double[] {0.5, 0.5});
      assertEquals(19.37799, r.chiSquare(), 5e-6);
      assertEquals(1.07236e-5, r.pValue(), 5e-11);
      assertEquals(SampleRatioMismatch.Verdict.MISMATCH, r.verdict());
    }

    @Test
    void verdict_unequalWeightsThreeArms() {
      SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[] {5000, 2600, 2400}, new double[] {0.5, 0.25, 0.25});
      assertEquals(8.00000, r.chiSquare(), 5e-6);
      assertEquals(0.01832, r.pValue(), 5e-6);
      assertEquals(SampleRatioMismatch.Verdict.OK, r.verdict());
    }

    @Test
    void verdict_noUnitsIsUnknownWithADiagnostic() {
      SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[] {0, 0}, new double[] {0.5, 0.5});
      assertEquals(SampleRatioMismatch.Verdict.UNKNOWN, r.verdict());
      assertEquals("no units yet", r.diagnostic());
    }
  }

  @Nested
  class Thresholds {
    @Test
    void thresholds_areGrowthBooksFlagAndTheWatchBandAboveIt() {
      assertEquals(0.001, SampleRatioMismatch.MISMATCH_BELOW);
      assertEquals(0.01, SampleRatioMismatch.WATCH_BELOW);
      // Exactly at the flag is a watch, not a mismatch: the flag is "below 0.001", as GrowthBook writes it.
      assertEquals(SampleRatioMismatch.Verdict.WATCH, new SampleRatioMismatch.Result(1, 1, 0.001, "ok").verdict());
      assertEquals(SampleRatioMismatch.Verdict.OK, new SampleRatioMismatch.Result(1, 1, 0.01, "ok").verdict());
    }
  }
}
