package io.segmenta.core.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.journey.json.JourneyTemplates;
import io.segmenta.core.value.Value;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The triggers and steps after the first slice: their JSON form, the calendar they run on, and a seeded fuzzer of the parser. */
class JourneyStepsJsonTest {
  static final String ALL = """
      {"key": "everything", "trigger": {"date": "birth_date", "at": "08:30"},
       "timezone": "Europe/Berlin", "quiet_hours": {"from": "21:00", "to": "08:00"},
       "steps": [{"id": "nine", "wait_until": "09:00", "next": "bday"},
                 {"id": "bday", "wait_until_date": "birth_date", "at": "10:00", "next": "bought"},
                 {"id": "bought", "wait_for": "orders >= 2", "timeout": "P7D", "yes": "hook", "no": "tier"},
                 {"id": "hook", "webhook": "https://example.com/hook?x=1", "next": "tier"},
                 {"id": "tier", "set_trait": {"lifestyle": "vip", "has_children": true}, "next": "done"},
                 {"id": "done", "exit": true}],
       "reentry": "P300D"}
      """;

  @Test
  void parse_newTriggersAndSteps_printsAndReadsBackEqual() {
    Journey j = JourneyJson.parse(ALL);
    assertEquals(new Trigger.OnDate("birth_date", LocalTime.of(8, 30)), j.trigger());
    assertEquals(ZoneId.of("Europe/Berlin"), j.zone());
    assertEquals(new Journey.QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)), j.quietHours());
    assertEquals(new Step.WaitUntil("nine", LocalTime.of(9, 0), "bday"), j.step("nine").orElseThrow());
    assertEquals(new Step.WaitForDate("bday", "birth_date", LocalTime.of(10, 0), "bought"), j.step("bday").orElseThrow());
    assertEquals(new Step.WaitFor("bought", "orders >= 2", Duration.ofDays(7), "hook", "tier"), j.step("bought").orElseThrow());
    assertEquals(new Step.Webhook("hook", URI.create("https://example.com/hook?x=1"), "tier"), j.step("hook").orElseThrow());
    assertEquals(new Step.SetTraits("tier", Map.of("lifestyle", Value.of("vip"), "has_children", Value.of(true)), "done"), j.step("tier").orElseThrow());
    assertEquals(j, JourneyJson.parse(JourneyJson.print(j)));
    Journey s = JourneyJson.parse("{\"key\": \"weekly\", \"trigger\": {\"segment\": \"vip\", \"every\": \"P7D\"}, \"steps\": [{\"id\": \"x\", \"exit\": true}]}");
    assertEquals(new Trigger.OnSchedule("vip", Duration.ofDays(7)), s.trigger());
    assertEquals(s, JourneyJson.parse(JourneyJson.print(s)));
  }

  @Test
  void parse_badTimeZoneUrlOrTime_namesTheField() {
    UserException z = assertThrows(UserException.class, () -> JourneyJson.parse(ALL.replace("Europe/Berlin", "Mars/Olympus")));
    assertTrue(z.getMessage().contains("'timezone'") && z.getMessage().contains("Mars/Olympus"), z.getMessage());
    UserException u = assertThrows(UserException.class, () -> JourneyJson.parse(ALL.replace("https://example.com/hook?x=1", "ftp://example.com")));
    assertTrue(u.getMessage().contains("step 'hook'") && u.getMessage().contains("ftp://example.com"), u.getMessage());
    UserException t = assertThrows(UserException.class, () -> JourneyJson.parse(ALL.replace("\"09:00\"", "\"9 am\"")));
    assertTrue(t.getMessage().contains("('nine')") && t.getMessage().contains("9 am"), t.getMessage());
    UserException q = assertThrows(UserException.class, () -> JourneyJson.parse(ALL.replace("\"to\": \"08:00\"", "\"to\": \"21:00\"")));
    assertTrue(q.getMessage().contains("quiet hours"), q.getMessage());
  }

  @Test
  void anniversary_sameMonthAndDayInALaterYear_leapDayOnThe28th() {
    assertTrue(LocalTimes.anniversary(LocalDate.of(1990, 12, 5), LocalDate.of(2026, 12, 5)));
    assertFalse(LocalTimes.anniversary(LocalDate.of(2026, 12, 5), LocalDate.of(2026, 12, 5)), "not the date itself");
    assertFalse(LocalTimes.anniversary(LocalDate.of(1990, 12, 6), LocalDate.of(2026, 12, 5)));
    assertTrue(LocalTimes.anniversary(LocalDate.of(2000, 2, 29), LocalDate.of(2025, 2, 28)), "no 29 February in 2025");
    assertFalse(LocalTimes.anniversary(LocalDate.of(2000, 2, 29), LocalDate.of(2024, 2, 28)), "2024 has one");
    assertTrue(LocalTimes.anniversary(LocalDate.of(2000, 2, 29), LocalDate.of(2024, 2, 29)));
    assertFalse(LocalTimes.anniversary(null, LocalDate.of(2024, 2, 29)));
  }

  @Test
  void next_timeOfDayInAZone_todayOrTomorrow_acrossDaylightSaving() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertEquals(Instant.parse("2026-12-05T08:00:00Z"), LocalTimes.next(Instant.parse("2026-12-05T07:00:00Z"), LocalTime.of(9, 0), berlin));
    assertEquals(Instant.parse("2026-12-06T08:00:00Z"), LocalTimes.next(Instant.parse("2026-12-05T08:00:00Z"), LocalTime.of(9, 0), berlin));
    // 29 March 2026: clocks go from 02:00 to 03:00 in Berlin; 02:30 does not exist and is moved forward by the gap.
    assertEquals(Instant.parse("2026-03-29T01:30:00Z"), LocalTimes.next(Instant.parse("2026-03-29T00:00:00Z"), LocalTime.of(2, 30), berlin));
    // Summer time: 09:00 in Berlin is 07:00 UTC.
    assertEquals(Instant.parse("2026-07-01T07:00:00Z"), LocalTimes.next(Instant.parse("2026-07-01T06:00:00Z"), LocalTime.of(9, 0), berlin));
  }

  @Test
  void quietHours_acrossMidnightAndWithinADay() {
    Journey.QuietHours night = new Journey.QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
    assertTrue(night.contains(LocalTime.of(23, 0)));
    assertTrue(night.contains(LocalTime.of(7, 59)));
    assertFalse(night.contains(LocalTime.of(8, 0)));
    assertFalse(night.contains(LocalTime.of(12, 0)));
    Journey.QuietHours lunch = new Journey.QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0));
    assertTrue(lunch.contains(LocalTime.of(12, 30)));
    assertFalse(lunch.contains(LocalTime.of(13, 0)));
  }

  @Test
  void templates_allThreeParse_andReadBackEqual() {
    for (String k : JourneyTemplates.KEYS) {
      Journey j = JourneyTemplates.journey(k);
      assertEquals(k, j.key());
      assertEquals(j, JourneyJson.parse(JourneyJson.print(j)));
    }
  }

  /** Seeded fuzzer: random edits of valid journeys parse to a journey or fail with a user error, never anything else. */
  @Test
  void parse_randomEdits_journeyOrUserErrorOnly() {
    Random r = new Random(16);
    String[] corpus = {ALL, JourneyJsonTest.FULL, JourneyTemplates.text("post_purchase").orElseThrow(),
        JourneyTemplates.text("lapsed_reengagement").orElseThrow()};
    String alphabet = "{}[]\":,0123456789-PTHDMaz_ ";
    int parsed = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder s = new StringBuilder(corpus[r.nextInt(corpus.length)]);
      for (int e = 0, edits = 1 + r.nextInt(3); e < edits && s.length() > 0; e++) {
        int at = r.nextInt(s.length());
        switch (r.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> s.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      try {
        Journey j = JourneyJson.parse(s.toString());
        assertEquals(j, JourneyJson.parse(JourneyJson.print(j)), "what parses prints and reads back equal: " + s);
        parsed++;
      } catch (UserException expected) {
        // the user's mistake, named
      }
    }
    assertTrue(parsed > 100, "some edits keep a valid journey: " + parsed);
  }
}
