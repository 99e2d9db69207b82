package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryNotesTest {
  @TempDir
  Path dir;

  @Test
  void keys_tornLastLine_ignored() throws Exception {
    DeliveryNotes notes = new DeliveryNotes(dir.resolve("n.log"));
    notes.note("j|1|p1|s|1");
    notes.note("j|1|p2|s|1");
    notes.close();
    Files.writeString(dir.resolve("n.log"), "j|1|p3|s", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertEquals(List.of("j|1|p1|s|1", "j|1|p2|s|1"), new DeliveryNotes(dir.resolve("n.log")).keys());
  }

  @Test
  void marked_everyNotedKey_emptiesTheFile() {
    DeliveryNotes notes = new DeliveryNotes(dir.resolve("n.log"));
    notes.note("a");
    notes.note("b");
    notes.marked(List.of("a"));
    assertEquals(List.of("a", "b"), notes.keys(), "b is not marked yet");
    notes.marked(List.of("b"));
    assertEquals(List.of(), notes.keys());
    notes.note("c");
    assertEquals(List.of("c"), notes.keys());
  }

  @Test
  void note_keyWithANewline_refused() {
    DeliveryNotes notes = new DeliveryNotes(dir.resolve("n.log"));
    assertEquals("a delivery key must be one line: a\nb", assertThrows(IllegalArgumentException.class, () -> notes.note("a\nb")).getMessage());
  }
}
