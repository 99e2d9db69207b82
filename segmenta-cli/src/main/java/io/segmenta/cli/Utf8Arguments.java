package io.segmenta.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's arguments as UTF-8 whatever the locale. Under LANG=C or POSIX the JVM decodes its arguments as
 * ASCII before {@code main} runs, and every non-ASCII character of an id or a rule arrives as '?' ("K??benhavn").
 * The segmenta script runs Java in a UTF-8 locale; a direct {@code java -jar} call does not. On Linux the bytes as
 * given are still in /proc/self/cmdline, one NUL-terminated entry each, the arguments last: they are decoded here as
 * UTF-8 and used only when each, decoded the way the JVM decoded it, is the argument the JVM passed (so an @argfile,
 * or a launcher that rewrote its line, changes nothing).
 */
final class Utf8Arguments {
  private Utf8Arguments() {}

  /** {@code args} read again as UTF-8 when the JVM decoded them in another charset and lost characters. */
  static String[] of(String[] args) {
    Charset platform;
    try {
      platform = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return args;
    }
    if (platform.equals(UTF_8) || !lossy(args)) {
      return args;
    }
    try {
      return of(args, Files.readAllBytes(Path.of("/proc/self/cmdline")), platform);
    } catch (IOException | RuntimeException e) {
      return args;
    }
  }

  /** Whether an argument holds a character that stands for bytes the platform charset could not decode. */
  static boolean lossy(String[] args) {
    for (String a : args) {
      if (a.indexOf('?') >= 0 || a.indexOf('\uFFFD') >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The last {@code args.length} entries of {@code cmdline} as UTF-8, if they are {@code args} as the platform read them. */
  static String[] of(String[] args, byte[] cmdline, Charset platform) {
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        byte[] e = new byte[i - start];
        System.arraycopy(cmdline, start, e, 0, e.length);
        entries.add(e);
        start = i + 1;
      }
    }
    if (entries.size() < args.length) {
      return args;
    }
    List<byte[]> tail = entries.subList(entries.size() - args.length, entries.size());
    String[] out = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      byte[] raw = tail.get(i);
      if (!same(new String(raw, platform), args[i])) {
        return args;
      }
      out[i] = new String(raw, UTF_8);
    }
    return out;
  }

  /** Equal but for how an undecodable byte is shown ('?' by the launcher, U+FFFD by a decoder). */
  private static boolean same(String decoded, String given) {
    return decoded.replace('\uFFFD', '?').equals(given.replace('\uFFFD', '?'));
  }
}
