package io.segmenta.core.deletion;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import org.junit.jupiter.api.Test;

class SegmentReferencesTest {
  @Test
  void in_referencesFromTheTree_notFromTheText() {
    assertTrue(SegmentReferences.in(RuleText.parseRule("segment vip"), "vip"));
    assertTrue(SegmentReferences.in(RuleText.parseRule("age > 30 and not (segment vip or city = \"Oslo\")"), "vip"));
    assertFalse(SegmentReferences.in(RuleText.parseRule("first_name = \"segment vip\""), "vip"), "a string value");
    assertFalse(SegmentReferences.in(RuleText.parseRule("segment vip_old"), "vip"), "a longer name");
    assertFalse(SegmentReferences.in(RuleText.parseRule("count(order) >= 2"), "vip"));
    assertFalse(SegmentReferences.in((Rule) null, "vip"));
  }
}
