package io.segmenta.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8Arguments}: the arguments' bytes read again as UTF-8 under an ASCII locale, and nothing else. */
class Utf8ArgumentsTest {
  private static byte[] cmdline(String... entries) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String e : entries) {
      b.writeBytes(e.getBytes(UTF_8));
      b.write(0);
    }
    return b.toByteArray();
  }

  @Test
  void of_asciiLocaleLostLetters_readsThemAgain() {
    byte[] line = cmdline("java", "-jar", "segmenta.jar", "segment", "check", "city = \"København\"");
    String[] asTheJvmGaveThem = {"segment", "check", "city = \"K??benhavn\""};
    assertArrayEquals(new String[] {"segment", "check", "city = \"København\""}, Utf8Arguments.of(asTheJvmGaveThem, line, US_ASCII));
  }

  @Test
  void of_lineThatIsNotTheArguments_changesNothing() {
    // An @argfile: the line holds the file's name, not the arguments.
    String[] args = {"segment", "members", "søren-?"};
    assertArrayEquals(args, Utf8Arguments.of(args, cmdline("java", "-cp", "x", "Main", "@args.txt"), US_ASCII));
    assertArrayEquals(args, Utf8Arguments.of(args, cmdline("java", "segment", "members", "other-1"), US_ASCII));
    assertArrayEquals(args, Utf8Arguments.of(args, new byte[0], US_ASCII));
  }

  @Test
  void lossy_onlyWhenACharacterWasLost() {
    assertTrue(Utf8Arguments.lossy(new String[] {"K??benhavn"}));
    assertEquals(false, Utf8Arguments.lossy(new String[] {"segment", "list"}));
  }

  @Test
  void of_randomBytes_givesTheArgumentsOrTheirUtf8ReadingNeverAnError() {
    Random r = new Random(14);
    for (int round = 0; round < 2_000; round++) {
      int n = 1 + r.nextInt(4);
      byte[][] raw = new byte[n][];
      String[] given = new String[n];
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      line.writeBytes("java\0Main\0".getBytes(US_ASCII));
      for (int i = 0; i < n; i++) {
        raw[i] = new byte[r.nextInt(6)];
        for (int j = 0; j < raw[i].length; j++) {
          byte b = (byte) r.nextInt(256);
          raw[i][j] = b == 0 ? 1 : b;
        }
        given[i] = new String(raw[i], US_ASCII);
        line.writeBytes(raw[i]);
        line.write(0);
      }
      if (r.nextInt(5) == 0) {
        line.writeBytes("extra\0".getBytes(US_ASCII));
      }
      String[] out = Utf8Arguments.of(given, line.toByteArray(), US_ASCII);
      assertEquals(n, out.length);
      for (int i = 0; i < n; i++) {
        assertTrue(out[i].equals(given[i]) || out[i].equals(new String(raw[i], UTF_8)), "round " + round);
      }
    }
  }
}
