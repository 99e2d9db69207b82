package io.segmenta.core.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits a text rule into tokens. Every failure is a {@link RuleException} at the offending character. */
final class TextLexer {
  enum Kind { IDENT, QUOTED_IDENT, STRING, NUMBER, DATE, TIMESTAMP, SYMBOL, END }

  record Token(Kind kind, String text, int offset) {
    boolean is(String s) {
      return (kind == Kind.SYMBOL || kind == Kind.IDENT) && text.equals(s);
    }
  }

  private static final Pattern TIMESTAMP = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(?![\\d.eE])");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
  private static final String[] SYMBOLS = {"!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", "/", ":", "=", "<", ">", "-"};

  private TextLexer() {}

  static List<Token> lex(String src) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '#') {
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '"') {
        i = string(src, i, out);
        continue;
      }
      if (c == '`') {
        i = quotedIdent(src, i, out);
        continue;
      }
      if (Character.isDigit(c) || (c == '-' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
        Matcher m = TIMESTAMP.matcher(src).region(i, n);
        if (c != '-' && m.lookingAt()) {
          out.add(new Token(Kind.TIMESTAMP, m.group(), i));
          i = m.end();
          continue;
        }
        m = DATE.matcher(src).region(i, n);
        if (c != '-' && m.lookingAt()) {
          out.add(new Token(Kind.DATE, m.group(), i));
          i = m.end();
          continue;
        }
        m = NUMBER.matcher(src).region(i, n);
        if (m.lookingAt()) {
          int end = m.end();
          if (end < n && (Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_')) {
            throw RuleException.at(src, end, "unexpected '" + src.charAt(end) + "' after the number " + m.group());
          }
          out.add(new Token(Kind.NUMBER, m.group(), i));
          i = end;
          continue;
        }
        throw RuleException.at(src, i, "malformed number");
      }
      if (Character.isLetter(c) || c == '_' || c == '$') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_' || src.charAt(j) == '$')) {
          j++;
        }
        out.add(new Token(Kind.IDENT, src.substring(i, j), i));
        i = j;
        continue;
      }
      String habit = habit(src, i);
      if (habit != null) {
        throw RuleException.at(src, i, habit);
      }
      boolean matched = false;
      for (String s : SYMBOLS) {
        if (src.startsWith(s, i)) {
          out.add(new Token(Kind.SYMBOL, s, i));
          i += s.length();
          matched = true;
          break;
        }
      }
      if (!matched) {
        throw RuleException.at(src, i, "unexpected character '" + describe(c) + "'");
      }
    }
    out.add(new Token(Kind.END, "", n));
    return out;
  }

  /** Operators from other languages that people type out of habit, with what this language spells instead. */
  private static String habit(String src, int i) {
    if (src.startsWith("==", i)) {
      return "'==' is not an operator here; use '=' to compare, as in country = \"DK\"";
    }
    if (src.startsWith("&&", i)) {
      return "'&&' is not an operator here; join conditions with 'and'";
    }
    if (src.startsWith("||", i)) {
      return "'||' is not an operator here; join conditions with 'or'";
    }
    if (src.startsWith("<>", i)) {
      return "'<>' is not an operator here; use '!=' for 'not equal'";
    }
    if (src.charAt(i) == '!' && !src.startsWith("!=", i)) {
      return "'!' is not an operator here; use 'not' to negate a condition";
    }
    if (src.charAt(i) == '\'') {
      return "text values go in double quotes, as in country = \"DK\"";
    }
    return null;
  }

  private static String describe(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private static int string(String src, int start, List<Token> out) {
    StringBuilder sb = new StringBuilder();
    int i = start + 1;
    int n = src.length();
    while (true) {
      if (i >= n) {
        throw RuleException.at(src, start, "unterminated string: a closing \" is missing");
      }
      char c = src.charAt(i);
      if (c == '"') {
        out.add(new Token(Kind.STRING, sb.toString(), start));
        return i + 1;
      }
      if (c == '\n') {
        throw RuleException.at(src, start, "unterminated string: a closing \" is missing on this line");
      }
      if (c == '\\') {
        if (i + 1 >= n) {
          throw RuleException.at(src, i, "unterminated escape at the end of the rule");
        }
        char e = src.charAt(i + 1);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 6 > n || !src.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
              throw RuleException.at(src, i, "\\u must be followed by four hex digits");
            }
            sb.append((char) Integer.parseInt(src.substring(i + 2, i + 6), 16));
            i += 4;
          }
          default -> throw RuleException.at(src, i, "unknown escape \\" + describe(e) + " in a string");
        }
        i += 2;
        continue;
      }
      sb.append(c);
      i++;
    }
  }

  private static int quotedIdent(String src, int start, List<Token> out) {
    StringBuilder sb = new StringBuilder();
    int i = start + 1;
    int n = src.length();
    while (true) {
      if (i >= n) {
        throw RuleException.at(src, start, "unterminated name: a closing ` is missing");
      }
      char c = src.charAt(i);
      if (c == '`') {
        if (i + 1 < n && src.charAt(i + 1) == '`') {
          sb.append('`');
          i += 2;
          continue;
        }
        if (sb.length() == 0) {
          throw RuleException.at(src, start, "a quoted name must not be empty");
        }
        out.add(new Token(Kind.QUOTED_IDENT, sb.toString(), start));
        return i + 1;
      }
      sb.append(c);
      i++;
    }
  }
}
