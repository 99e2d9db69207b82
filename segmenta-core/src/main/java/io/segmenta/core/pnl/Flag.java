package io.segmenta.core.pnl;

/** A warning about a segment, with the numbers behind it. */
public record Flag(Kind kind, String evidence) {
  public enum Kind {
    /** Looks valuable (revenue share above customer share) but sends most of it back, or earns almost nothing. */
    TRAP,
    /** Too few members to act on, or to A/B test at the chosen minimum detectable effect. */
    TOO_SMALL,
    /** Members differ so much on value that treating them alike over-generalises. */
    TOO_MIXED,
    /** No member has been active for a long time: the data stopped arriving. */
    STALE,
    /** Too few events per member to trust the segment's numbers. */
    THIN
  }
}
