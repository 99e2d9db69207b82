package io.segmenta.ml.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The published BG/NBD and Gamma-Gamma results on the CDNOW summaries in shared/data/cdnow (Fader, Hardie and
 * Lee 2005; Fader and Hardie, note 025), to the precision they were published at.
 */
class PublishedClvResultsTest {
  static Path shared(String file) {
    Path p = Path.of(System.getProperty("segmenta.shared", "../shared"), "data/cdnow", file);
    if (!Files.isReadable(p)) {
      System.out.println("skipped: " + p + " is absent (../shared is not beside the checkout)");
    }
    assumeTrue(Files.isReadable(p), "skipped: " + p + " is absent (../shared is not beside the checkout)");
    return p;
  }

  static List<PurchaseSummary> read(String file) throws IOException {
    List<PurchaseSummary> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(shared(file));
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",");
      out.add(new PurchaseSummary(c[0], Integer.parseInt(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3]), c.length > 4 ? Double.parseDouble(c[4]) : 0));
    }
    return out;
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  @Test
  void bgNbd_publishedParametersAndConditionalExpectation() throws IOException {
    ModelFit<BgNbd> fit = BgNbd.fit(read("cdnow_customers_summary.csv"));
    BgNbd m = fit.fitted().orElseThrow(() -> new AssertionError(fit.diagnostic()));
    System.out.println(m + " logLikelihood " + fit.logLikelihood() + " in " + fit.evaluations() + " evaluations");
    assertEquals(0.243, round(m.r(), 3));
    assertEquals(4.414, round(m.alpha(), 3));
    assertEquals(0.793, round(m.a(), 3));
    assertEquals(2.426, round(m.b(), 3));
    assertEquals(1.226, round(m.expectedPurchases(39, 2, 30.43, 38.86), 3));
    assertEquals(2_357, fit.customers());
  }

  @Test
  void gammaGamma_publishedParametersAndExpectedSpends() throws IOException {
    List<PurchaseSummary> all = read("cdnow_customers_summary_with_transactions.csv");
    ModelFit<GammaGamma> fit = GammaGamma.fit(all);
    GammaGamma m = fit.fitted().orElseThrow(() -> new AssertionError(fit.diagnostic()));
    System.out.println(m + " logLikelihood " + fit.logLikelihood());
    assertEquals(6.25, round(m.p(), 2));
    assertEquals(3.74, round(m.q(), 2));
    // The note publishes gamma = 15.44; the maximum of the likelihood is at 15.4477 (scipy's Nelder-Mead on the
    // same likelihood finds 15.44775 and log-likelihood -4055.92324; at the published point it is -4055.92471),
    // so the published figure stopped 0.008 short. We hold both: within 0.01 of it, and at the true maximum.
    assertEquals(15.44, m.gamma(), 0.01);
    assertEquals(15.44775, m.gamma(), 1e-4);
    assertEquals(-4055.92324, fit.logLikelihood(), 1e-5);
    // The first ten customers of the file, those without repeat purchases included (they get the population
    // mean). The published figures are the maximum-likelihood predictions cut (not rounded) to two decimals.
    double[] published = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
    for (int i = 0; i < 10; i++) {
      PurchaseSummary c = all.get(i);
      double spend = m.expectedAverageSpend(c.x(), c.mbar());
      assertEquals(published[i], Math.floor(spend * 100) / 100, "customer " + c.profileId() + ": " + spend);
    }
  }

  @Test
  void fit_tooThinDataIsADiagnosticNotNumbers() {
    List<PurchaseSummary> few = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      few.add(new PurchaseSummary("c" + i, i < 5 ? 1 : 0, i < 5 ? 3 : 0, 20, i < 5 ? 10 : 0));
    }
    ModelFit<BgNbd> fit = BgNbd.fit(few);
    assertTrue(fit.fitted().isEmpty());
    assertTrue(fit.diagnostic().startsWith("too thin: 5 repeat buyers among 200 customers"), fit.diagnostic());
    assertTrue(GammaGamma.fit(few).fitted().isEmpty());
  }

  @Test
  void hypergeometric_knownValues() {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    assertEquals(-Math.log(0.5) / 0.5, BgNbd.hypergeometric2F1(1, 1, 2, 0.5), 1e-12);
    // 2F1(a, b; b; z) = (1 - z)^-a
    assertEquals(Math.pow(0.7, -2.5), BgNbd.hypergeometric2F1(2.5, 3, 3, 0.3), 1e-12);
  }

  @Test
  void probabilityAlive_isOneWithoutRepeatsAndFallsWithSilence() {
    BgNbd m = new BgNbd(0.243, 4.414, 0.793, 2.426);
    assertEquals(1.0, m.probabilityAlive(0, 0, 38.86));
    assertTrue(m.probabilityAlive(5, 10, 38.86) < m.probabilityAlive(5, 35, 38.86));
  }
}
