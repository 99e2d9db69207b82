package io.segmenta.core.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentPolicyTest {
  static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  static ConsentRecord choice(Purpose p, boolean granted, Instant at) {
    return new ConsentRecord(p, granted, at, "test");
  }

  @Test
  void allows_tieAtOneInstant_withdrawalWinsInEveryOrder() {
    List<ConsentRecord> h = new ArrayList<>(List.of(choice(Purpose.PERSONALIZATION, true, T), choice(Purpose.PERSONALIZATION, false, T),
        choice(Purpose.PERSONALIZATION, true, T)));
    for (int i = 0; i < h.size(); i++) {
      Collections.rotate(h, 1);
      assertFalse(ConsentPolicy.allows(h, Purpose.PERSONALIZATION), h.toString());
      assertFalse(ConsentPolicy.effective(h, Purpose.PERSONALIZATION).orElseThrow().granted(), h.toString());
    }
  }

  @Test
  void allows_latestChoiceWins_notTheLastRecorded() {
    List<ConsentRecord> h = List.of(choice(Purpose.EMAIL_MARKETING, true, T.plusSeconds(1)), choice(Purpose.EMAIL_MARKETING, false, T));
    assertTrue(ConsentPolicy.allows(h, Purpose.EMAIL_MARKETING));
  }

  @Test
  void allows_noChoice_optOutPurposesOnly() {
    for (Purpose p : Purpose.values()) {
      assertEquals(!p.optIn, ConsentPolicy.allows(List.of(), p), p.label());
      assertEquals(!p.optIn, ConsentPolicy.allowedAll(List.of()).get(p), p.label());
    }
    assertTrue(ConsentPolicy.allows(List.of(choice(Purpose.PERSONALIZATION, false, T)), Purpose.ANALYTICS), "another purpose's choice does not count");
  }

  @Test
  void visitorAllows_statedWins_elseIdentifiedFollowsTheDefaultAndAnonymousTheSession() {
    assertTrue(ConsentPolicy.visitorAllows(Purpose.PERSONALIZATION, true, true));
    assertFalse(ConsentPolicy.visitorAllows(Purpose.PERSONALIZATION, false, false));
    assertFalse(ConsentPolicy.visitorAllows(Purpose.PERSONALIZATION, null, true));
    assertTrue(ConsentPolicy.visitorAllows(Purpose.PERSONALIZATION, null, false));
  }

  @Test
  void sql_ordersTheWithdrawalFirstAtOneInstant() {
    assertEquals("c.ts DESC, c.granted ASC", ConsentPolicy.sqlLatestFirst("c.ts", "c.granted"));
    assertEquals("COALESCE(x, true)", ConsentPolicy.sqlAllowed(Purpose.ANALYTICS, "x"));
    assertEquals("COALESCE(x, false)", ConsentPolicy.sqlAllowed(Purpose.ADVERTISING, "x"));
  }

  @Test
  void changes_repeatOfLatest_leftOut() {
    List<ConsentRecord> history = List.of(choice(Purpose.EMAIL_MARKETING, true, T));
    List<ConsentRecord> given = List.of(choice(Purpose.EMAIL_MARKETING, true, T.plusSeconds(60)), choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(120)),
        choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(180)), choice(Purpose.ADVERTISING, false, T));
    assertEquals(List.of(choice(Purpose.ADVERTISING, false, T), choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(120))),
        ConsentPolicy.changes(history, given));
  }

  @Test
  void changes_givenOutOfOrder_decidedInEffectOrder() {
    // The withdrawal at T+60 is the latest; the grant at T, given after it, still differs from what came before it.
    List<ConsentRecord> given = List.of(choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(60)), choice(Purpose.EMAIL_MARKETING, true, T));
    assertEquals(List.of(choice(Purpose.EMAIL_MARKETING, true, T), choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(60))),
        ConsentPolicy.changes(List.of(), given));
  }

  @Test
  void changes_olderThanHistory_comparedWithTheLatest() {
    // The stored latest is a withdrawal at T+60: a withdrawal at T repeats it and is left out, a grant at T is recorded.
    List<ConsentRecord> history = List.of(choice(Purpose.EMAIL_MARKETING, true, T.minusSeconds(60)), choice(Purpose.EMAIL_MARKETING, false, T.plusSeconds(60)));
    assertEquals(List.of(), ConsentPolicy.changes(history, List.of(choice(Purpose.EMAIL_MARKETING, false, T))));
    assertEquals(List.of(choice(Purpose.EMAIL_MARKETING, true, T)), ConsentPolicy.changes(history, List.of(choice(Purpose.EMAIL_MARKETING, true, T))));
    assertFalse(ConsentPolicy.allows(new ArrayList<>(List.of(choice(Purpose.EMAIL_MARKETING, true, T), history.get(0), history.get(1))), Purpose.EMAIL_MARKETING));
  }

  @Test
  void changes_tieWithStoredWithdrawal_grantRecordedButWithdrawalStillWins() {
    List<ConsentRecord> history = List.of(choice(Purpose.PERSONALIZATION, false, T));
    List<ConsentRecord> out = ConsentPolicy.changes(history, List.of(choice(Purpose.PERSONALIZATION, true, T)));
    assertEquals(List.of(choice(Purpose.PERSONALIZATION, true, T)), out);
    List<ConsentRecord> after = new ArrayList<>(history);
    after.addAll(out);
    assertFalse(ConsentPolicy.allows(after, Purpose.PERSONALIZATION));
  }
}
