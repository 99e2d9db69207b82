package io.segmenta.core.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JourneyJsonTest {
  static final String FULL = """
      {"key": "winback", "version": 3, "description": "lapsed customers",
       "trigger": {"event": "order", "where": {"currency": "EUR"}},
       "steps": [{"id": "hold", "split": {"holdout": 10}, "next": "pause"},
                 {"id": "pause", "wait": "P7D", "next": "vip"},
                 {"id": "vip", "branch": "orders >= 3", "yes": "offer", "no": "done"},
                 {"id": "offer", "send_email": "offer", "next": "done"},
                 {"id": "done", "exit": true}],
       "goal": "orders >= 5", "exits": ["days_since_last_order > 400"],
       "reentry": "P30D",
       "caps": [{"channel": "email", "max": 1, "per": "PT16H"}],
       "templates": {"offer": {"subject": "For you", "body": "<p>{{ first_name }}</p>", "defaults": {"first_name": "there"}}}}
      """;

  @Test
  void parse_everyPart_printsAndReadsBackEqual() {
    Journey j = JourneyJson.parse(FULL);
    assertEquals(3, j.version());
    assertEquals(new Trigger.OnEvent("order", Map.of("currency", Value.of("EUR"))), j.trigger());
    assertEquals(new Step.Wait("pause", Duration.ofDays(7), "vip"), j.step("pause").orElseThrow());
    assertEquals(new Journey.Reentry(Journey.Reentry.Mode.AFTER, Duration.ofDays(30)), j.reentry());
    assertEquals(Duration.ofHours(16), j.caps().get(0).per());
    assertEquals(j, JourneyJson.parse(JourneyJson.print(j)));
  }

  @Test
  void parse_unknownField_namesTheStep() {
    UserException e = assertThrows(UserException.class, () -> JourneyJson.parse(FULL.replace("\"wait\": \"P7D\"", "\"wiat\": \"P7D\"")));
    assertTrue(e.getMessage().contains("steps[1]") && e.getMessage().contains("'wiat'"), e.getMessage());
  }

  @Test
  void parse_badDuration_namesTheField() {
    UserException e = assertThrows(UserException.class, () -> JourneyJson.parse(FULL.replace("P7D", "7 days")));
    assertTrue(e.getMessage().contains("'7 days'") && e.getMessage().contains("'pause'"), e.getMessage());
  }

  @Test
  void savedOver_sameDefinition_keepsTheVersion_anEditAddsOne() {
    Journey j = JourneyJson.parse(FULL);
    assertEquals(1, j.savedOver(Optional.empty()).version());
    assertEquals(3, j.withVersion(1).savedOver(Optional.of(j)).version());
    Journey edited = JourneyJson.parse(FULL.replace("P7D", "P8D"));
    assertEquals(4, edited.savedOver(Optional.of(j)).version());
  }
}
