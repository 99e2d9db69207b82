package io.segmenta.core.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentNamesTest {
  @Test
  void slug_dataValuesBecomeValidNames() {
    assertEquals("admin", SegmentNames.slug("admin."));
    assertEquals("blue-collar", SegmentNames.slug("Blue-Collar"));
    assertEquals("kobenhavn", SegmentNames.slug("København"));
    assertEquals("arhus", SegmentNames.slug("Århus"));
    assertEquals("lt-30", SegmentNames.slug("< 30"));
    assertEquals("ge-60", SegmentNames.slug(">= 60"));
    assertEquals("30-40", SegmentNames.slug("[30, 40)"));
    assertEquals("missing", SegmentNames.slug("(missing)"));
    assertEquals("blank", SegmentNames.slug("  !! "));
    assertEquals("blank", SegmentNames.slug("東京"));
  }

  @Test
  void next_deduplicatesAndKeepsTheLengthLimit() {
    SegmentNames names = new SegmentNames(List.of("job-admin"));
    assertEquals("job-admin-2", names.next("job", "admin."));
    assertEquals("job-admin-3", names.next("job", "Admin"));
    assertEquals("job-blank", names.next("job", "東京"));
    assertEquals("job-blank-2", names.next("job", "大阪"));
    String longName = names.next("prefix", "x".repeat(100));
    assertEquals(63, longName.length());
    String again = names.next("prefix", "x".repeat(100));
    assertEquals(63, again.length());
    assertEquals("-2", again.substring(61));
  }
}
