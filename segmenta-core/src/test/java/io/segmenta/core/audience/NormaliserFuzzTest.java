package io.segmenta.core.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The normalisers read whatever a shop imported (hostile input): random characters, mutations of valid values and a
 * corpus of odd cases. None may throw; what comes out has the platform's form and is a fixed point (normalising it
 * again changes nothing), and hashes are 64 (SHA-256) or 32 (MD5) lower-case hex digits.
 */
class NormaliserFuzzTest {
  static final List<String> CORPUS = List.of("", " ", "@", "a@", "@b", "a@@b", "+", "00", "0000000", "+0", "++44 1",
      "\u0000@x.com", "a b@c.d", "A.B+C@GMAIL.COM", "x+@gmail.com", ".+@gmail.com", "\uD83D\uDE00@\uD83D\uDE00.com",
      "\uD800", "١٢٣٤٥٦٧٨", "+１２３４５６７８９", "(((", "1234567890123456", "+999999999999999", "İstanbul@x.tr",
      "ß@straße.de", "\u00a0a@b.c\u00a0", "0045 00 12");
  static final String ALPHABET = "aZ09@.+- ()_\u00a0\t\nİßé\uD83D\uDE00\u0000\"'";
  static final List<String> SEEDS = List.of("dana@example.com", "cloudy.sanfrancisco+shopping@gmail.com", "+44 844 412 4653",
      "1-234-567-8910", "(800)555-0100", "Urist.McVankab@freddiesjokes.com", "Menlo Park", "94025-1234");

  @Test
  void normalisers_corpus() {
    CORPUS.forEach(NormaliserFuzzTest::check);
  }

  @Test
  void normalisers_seededRandomInput() {
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 20_000; i++) {
      String s = i % 2 == 0 ? random(r) : mutate(r, SEEDS.get(r.nextInt(SEEDS.size())));
      check(s);
    }
  }

  private static void check(String s) {
    GoogleNormaliser g = new GoogleNormaliser("45");
    MetaNormaliser m = new MetaNormaliser("45");
    fixed(s, g::email, v -> !v.matches(".*\\s.*") && v.equals(v.toLowerCase(Locale.ROOT)) && v.indexOf('@') > 0);
    fixed(s, g::phone, v -> v.matches("\\+[1-9][0-9]{6,14}"));
    fixed(s, m::email, v -> v.indexOf('@') > 0 && v.equals(v.strip()));
    // Meta's form has no "+": read back as the international number it is, or a default code would go in front again.
    fixed(s, m::phone, v -> v.matches("[1-9][0-9]{6,14}"), v -> "+" + v);
    fixed(s, m::name, v -> v.codePoints().allMatch(Character::isLetterOrDigit));
    fixed(s, MailchimpHash::email, v -> v.indexOf('@') > 0);
    m.zip(s, "US");
    m.country(s);
    m.gender(s);
    g.email(s).ifPresent(v -> assertTrue(GoogleNormaliser.hash(v).matches("[0-9a-f]{64}")));
    MailchimpHash.memberId(s).ifPresent(v -> assertTrue(v.matches("[0-9a-f]{32}")));
  }

  private static void fixed(String s, Function<String, Optional<String>> f, Predicate<String> form) {
    fixed(s, f, form, v -> v);
  }

  private static void fixed(String s, Function<String, Optional<String>> f, Predicate<String> form, Function<String, String> back) {
    Optional<String> once = f.apply(s);
    once.ifPresent(v -> {
      assertTrue(form.test(v), () -> "bad form '" + v + "' from '" + s + "'");
      assertEquals(once, f.apply(back.apply(v)), () -> "not a fixed point: '" + s + "' -> '" + v + "'");
    });
  }

  private static String random(SplittableRandom r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(30);
    for (int i = 0; i < n; i++) {
      b.append(r.nextInt(8) == 0 ? (char) r.nextInt(0x3000) : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  private static String mutate(SplittableRandom r, String s) {
    StringBuilder b = new StringBuilder(s);
    for (int e = 1 + r.nextInt(3); e > 0 && b.length() > 0; e--) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        default -> b.setCharAt(at, Character.toUpperCase(b.charAt(at)));
      }
    }
    return b.toString();
  }
}
