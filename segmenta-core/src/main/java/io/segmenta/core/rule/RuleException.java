package io.segmenta.core.rule;

import io.segmenta.core.UserException;

/**
 * A rule that cannot be used as written: it does not parse, or it does not type-check against the schema, or it
 * refers to a segment that does not exist or to itself. The message names the line and column and, for rules in
 * the text form, shows the line with a caret under the spot.
 */
public final class RuleException extends UserException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String reason;

  private RuleException(String message, int line, int column, String reason) {
    super(message);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  /** An error at an offset of a text rule. */
  public static RuleException at(String source, int offset, String reason) {
    int off = Math.max(0, Math.min(offset, source.length()));
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < off; i++) {
      if (source.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int lineEnd = source.indexOf('\n', lineStart);
    String text = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
    int column = off - lineStart + 1;
    String message = "line " + line + ", column " + column + ": " + reason + "\n  " + text + "\n  "
        + " ".repeat(column - 1) + "^";
    return new RuleException(message, line, column, reason);
  }

  /** An error in a JSON rule, located by a JSON pointer such as {@code /$and/1/age}. */
  public static RuleException atPointer(String pointer, String reason) {
    return new RuleException("at " + (pointer.isEmpty() ? "/" : pointer) + ": " + reason, 0, 0, reason);
  }

  /** An error that has no place in the source (a cycle between saved segments, say). */
  public static RuleException general(String reason) {
    return new RuleException(reason, 0, 0, reason);
  }

  /** 1-based line, or 0 where the error has no text position. */
  public int line() {
    return line;
  }

  /** 1-based column, or 0 where the error has no text position. */
  public int column() {
    return column;
  }

  /** The message without the position and the caret. */
  public String reason() {
    return reason;
  }
}
