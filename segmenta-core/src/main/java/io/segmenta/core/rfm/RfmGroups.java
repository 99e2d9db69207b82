package io.segmenta.core.rfm;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.List;
import java.util.Locale;

/**
 * The standard named RFM groups from the recency score (R) and the rounded mean of the frequency and monetary
 * scores (FM = round half up of (F + M) / 2), all 1..5. The grid (rows R = 5 at the top, columns FM = 1..5):
 *
 * <pre>
 * R=5  New Customers   Potential Loyalists  Potential Loyalists  Loyal Customers  Champions
 * R=4  Promising       Potential Loyalists  Potential Loyalists  Loyal Customers  Champions
 * R=3  About to Sleep  Need Attention       Need Attention       Loyal Customers  Loyal Customers
 * R=2  Hibernating     About to Sleep       At Risk              At Risk          Can't Lose Them
 * R=1  Lost            Hibernating          At Risk              Can't Lose Them  Can't Lose Them
 * </pre>
 *
 * It follows the widely used eleven-segment RFM scheme (recent and valuable: Champions; valuable but gone quiet:
 * Can't Lose Them; recent but not yet valuable: New Customers and Promising; and so on), written as a full grid so
 * that every score pair has exactly one group.
 */
public final class RfmGroups {
  public static final List<String> NAMES = List.of("Champions", "Loyal Customers", "Potential Loyalists", "New Customers",
      "Promising", "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost");

  private static final String[][] GRID = {
      // FM = 1            2                      3                      4                  5
      {"Lost", "Hibernating", "At Risk", "Can't Lose Them", "Can't Lose Them"},                       // R = 1
      {"Hibernating", "About to Sleep", "At Risk", "At Risk", "Can't Lose Them"},                     // R = 2
      {"About to Sleep", "Need Attention", "Need Attention", "Loyal Customers", "Loyal Customers"},   // R = 3
      {"Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Champions"},     // R = 4
      {"New Customers", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Champions"}, // R = 5
  };

  private RfmGroups() {}

  public static String of(int r, int f, int m) {
    checkArgument(r >= 1 && r <= 5 && f >= 1 && f <= 5 && m >= 1 && m <= 5, "RFM scores must be 1..5, got %s%s%s", r, f, m);
    int fm = (f + m + 1) / 2;
    return GRID[r - 1][fm - 1];
  }

  /** The built-in segment name of a group, e.g. rfm-champions, rfm-cant-lose-them. */
  public static String segmentName(String group) {
    return "rfm-" + group.toLowerCase(Locale.ROOT).replace("'", "").replace(' ', '-');
  }
}
