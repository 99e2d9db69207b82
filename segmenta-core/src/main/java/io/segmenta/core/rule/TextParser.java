package io.segmenta.core.rule;

import io.segmenta.core.rule.TextLexer.Kind;
import io.segmenta.core.rule.TextLexer.Token;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * Recursive-descent parser of the text form; the grammar is in {@code docs/rule-language.md}. Nesting is
 * bounded so that no input, however hostile, ends in anything but a {@link RuleException}.
 *
 * <p>Over 500 lines: one recursive-descent parser for one grammar, a method per production, with the error messages
 * that point at the token; cutting it would split the grammar across files. The hints for a window or filter written
 * after the comparison (about 615 lines with them and the bare identifier names) belong to the productions they repair, so they stay beside them.
 */
final class TextParser {
  static final int MAX_DEPTH = 100;
  /** Words that cannot be bare field names (they would read as syntax); quote such a field with backticks. */
  static final Set<String> KEYWORDS = Set.of("and", "or", "not", "all", "any", "none", "segment", "true", "false",
      "null", "is", "in");

  private final String src;
  private final List<Token> tokens;
  private final SourceMap map;
  private int pos;
  private int depth;

  private TextParser(String src) {
    this.src = src;
    this.tokens = TextLexer.lex(src);
    this.map = new SourceMap(src);
  }

  static ParsedRule parse(String src) {
    TextParser p = new TextParser(src);
    if (p.peek().kind() == Kind.END) {
      throw RuleException.at(src, 0, "the rule is empty; write a condition such as country = \"DK\"");
    }
    Rule r = p.expr();
    if (p.peek().kind() != Kind.END) {
      if (p.startsWindow() || p.peek().is("where")) {
        // "count(order) >= 2 in last 90 days": the window (or filter) is the aggregate's, not the rule's.
        throw p.error(p.peek(), "'" + p.peek().text() + "' goes inside an aggregate's parentheses, as in count(order "
            + p.peek().text() + " ...) >= 1, not after the comparison");
      }
      throw p.error(p.peek(), "unexpected " + describe(p.peek()) + " after a complete rule; join conditions with 'and' or 'or'");
    }
    return new ParsedRule(r, p.map);
  }

  static Measure parseMeasure(String src) {
    TextParser p = new TextParser(src);
    Token t = p.peek();
    if (t.kind() != Kind.IDENT || Measure.Fn.parse(t.text()) == null || !p.peekAt(1).is("(")) {
      throw p.error(t, "expected a measure such as sum(order.revenue) or count(order)");
    }
    Measure m = p.measure();
    if (p.peek().kind() != Kind.END) {
      throw p.error(p.peek(), "unexpected " + describe(p.peek()) + " after a complete measure");
    }
    return m;
  }

  // ---- rules

  private Rule expr() {
    enter();
    try {
      int start = peek().offset();
      Rule first = and();
      if (!peek().is("or")) {
        return first;
      }
      List<Rule> rules = new ArrayList<>(List.of(first));
      while (accept("or")) {
        rules.add(and());
      }
      return mark(new Rule.Or(rules), start);
    } finally {
      depth--;
    }
  }

  private Rule and() {
    int start = peek().offset();
    Rule first = unary();
    if (!peek().is("and")) {
      return first;
    }
    List<Rule> rules = new ArrayList<>(List.of(first));
    while (accept("and")) {
      rules.add(unary());
    }
    return mark(new Rule.And(rules), start);
  }

  private Rule unary() {
    Token t = peek();
    if (t.kind() == Kind.IDENT && t.text().equals("not")) {
      next();
      enter();
      try {
        return mark(new Rule.Not(unary()), t.offset());
      } finally {
        depth--;
      }
    }
    return primary();
  }

  private Rule primary() {
    Token t = peek();
    if (t.is("(")) {
      next();
      Rule r = expr();
      expect(")", "to close the '(' at column " + column(t));
      return r;
    }
    if (t.kind() == Kind.IDENT && peekAt(1).is("(")) {
      switch (t.text()) {
        case "all", "any", "none" -> {
          next();
          next();
          List<Rule> rules = new ArrayList<>();
          if (!accept(")")) {
            do {
              rules.add(expr());
            } while (accept(","));
            expect(")", "to close " + t.text() + "(");
          }
          Rule r = t.text().equals("all") ? new Rule.And(rules) : t.text().equals("any") ? new Rule.Or(rules) : new Rule.Nor(rules);
          return mark(r, t.offset());
        }
        default -> {
          if (Measure.Fn.parse(t.text()) != null) {
            Measure m = measure();
            misplacedAfterMeasure(t);
            return mark(new Rule.MeasureRule(m, condition()), t.offset());
          }
          throw error(t, "unknown function '" + t.text() + "'; the aggregates are count, sum, avg, min, max, count_distinct, first_time, last_time, days_since, days_since_first, mode, first_value and first_month");
        }
      }
    }
    if (t.kind() == Kind.IDENT && t.text().equals("segment")) {
      next();
      Token name = next();
      if (name.kind() != Kind.STRING && name.kind() != Kind.IDENT) {
        throw error(name, "expected a segment name after 'segment', as in segment \"students\"");
      }
      return mark(new Rule.SegmentRef(name.text()), t.offset());
    }
    if (t.kind() == Kind.QUOTED_IDENT || (t.kind() == Kind.IDENT && !KEYWORDS.contains(t.text()))) {
      String path = path();
      return mark(new Rule.Field(path, condition()), t.offset());
    }
    if (t.is("in") && peekAt(1).is("last")) {
      throw error(t, "'in last' goes inside an aggregate's parentheses, as in count(order in last 30 days) >= 1");
    }
    throw error(t, "expected a condition (a trait, an aggregate such as count(order), 'segment', 'not' or '(') but found " + describe(t));
  }

  /** A window or filter written after an aggregate's ')' belongs inside it; say so at the keyword, not later. */
  private void misplacedAfterMeasure(Token fn) {
    Token t = peek();
    if (startsWindow() || t.is("where")) {
      String inner = src.substring(fn.offset(), t.offset()).trim();
      String moved = inner.endsWith(")") ? inner.substring(0, inner.length() - 1) + " " + t.text() + " ...)" : inner;
      throw error(t, "'" + t.text() + "' belongs inside the parentheses of " + fn.text() + "(...): write " + moved + " and then the comparison");
    }
  }

  private String path() {
    Token t = next();
    if (t.kind() == Kind.QUOTED_IDENT) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder(t.text());
    while (peek().is(".") && peekAt(1).kind() == Kind.IDENT) {
      next();
      sb.append('.').append(next().text());
    }
    return sb.toString();
  }

  // ---- measures

  private Measure measure() {
    Measure.Aggregate first = aggregate();
    if (peek().is("/") || peek().is("-")) {
      Token op = next();
      Token t = peek();
      if (t.kind() != Kind.IDENT || Measure.Fn.parse(t.text()) == null || !peekAt(1).is("(")) {
        throw error(t, "expected an aggregate such as sum(order.revenue) after '" + op.text() + "'");
      }
      Measure.Aggregate second = aggregate();
      if (peek().is("/") || peek().is("-")) {
        throw error(peek(), "a measure combines two aggregates; longer chains of '/' and '-' are not supported");
      }
      Measure m = op.text().equals("/") ? new Measure.Ratio(first, second) : new Measure.Difference(first, second);
      return mark(m, op.offset());
    }
    return first;
  }

  private Measure.Aggregate aggregate() {
    Token fnTok = next();
    Measure.Fn fn = Measure.Fn.parse(fnTok.text());
    expect("(", "after " + fnTok.text());
    Token ev = next();
    if (ev.kind() != Kind.IDENT && ev.kind() != Kind.QUOTED_IDENT) {
      throw error(ev, "expected an event type such as order or page_view after " + fn.label() + "(");
    }
    String property = null;
    if (accept(".")) {
      Token p = next();
      if (p.kind() != Kind.IDENT && p.kind() != Kind.QUOTED_IDENT) {
        throw error(p, "expected a property name after '" + ev.text() + ".'");
      }
      property = p.text();
    }
    if (fn.needsProperty && property == null) {
      throw error(ev, fn.label() + " needs a property to read, as in " + fn.label() + "(" + ev.text() + ".revenue)");
    }
    if (!fn.needsProperty && property != null) {
      throw error(ev, fn.label() + " counts events and takes no property; write " + fn.label() + "(" + ev.text() + ")");
    }
    // The filter and the window may come in either order; the canonical print puts the filter first.
    Rule filter = null;
    Window window = null;
    while (true) {
      if (filter == null && accept("where")) {
        if (startsWindow() || peek().is(")")) {
          throw error(peek(), "expected a condition after 'where', as in count(order where revenue > 100 in last 30 days), but found "
              + describe(peek()));
        }
        filter = expr();
      } else if (window == null && startsWindow()) {
        window = window();
      } else {
        break;
      }
    }
    if (window == null) {
      window = Window.ALL_TIME;
    }
    expect(")", "to close " + fn.label() + "(");
    return mark(new Measure.Aggregate(fn, ev.text(), property, filter, window), fnTok.offset());
  }

  private boolean startsWindow() {
    Token t = peek();
    return (t.is("in") && peekAt(1).is("last")) || t.is("from") || t.is("before") || t.is("after");
  }

  private Window window() {
    Token t = peek();
    if (t.is("in") && peekAt(1).is("last")) {
      next();
      next();
      Token amount = next();
      if (amount.kind() != Kind.NUMBER || !amount.text().matches("[1-9]\\d{0,5}")) {
        throw error(amount, "expected a whole number of days, weeks, months or years after 'in last'");
      }
      Token unitTok = next();
      Window.Unit unit = unitTok.kind() == Kind.IDENT ? Window.Unit.parse(unitTok.text()) : null;
      if (unit == null) {
        throw error(unitTok, "expected days, weeks, months or years after 'in last " + amount.text() + "'");
      }
      long n = Long.parseLong(amount.text());
      if (n > 100_000) {
        throw error(amount, "a window of more than 100000 " + unit.label(n) + " is not supported");
      }
      return new Window.Last(n, unit);
    }
    if (t.is("from")) {
      next();
      Value from = timeBound();
      expect("to", "between the two bounds of 'from ... to ...'");
      Value to = timeBound();
      return new Window.Range(from, to);
    }
    if (t.is("before")) {
      next();
      return new Window.Before(timeBound());
    }
    if (t.is("after")) {
      next();
      return new Window.After(timeBound());
    }
    return Window.ALL_TIME;
  }

  private Value timeBound() {
    Token t = peek();
    if (t.kind() != Kind.DATE && t.kind() != Kind.TIMESTAMP) {
      throw error(t, "expected a date such as 2024-01-31 or a timestamp such as 2024-01-31T12:00:00Z");
    }
    return value();
  }

  // ---- conditions

  private Condition condition() {
    Token t = peek();
    if (t.is("{")) {
      return group();
    }
    if (t.is("is") && !peekAt(1).is("type")) {
      next();
      return new Condition.Equals(value());
    }
    return Condition.Ops.of(op());
  }

  private Condition.Ops group() {
    Token open = next();
    List<Op> ops = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    do {
      Token at = peek();
      Op op = op();
      if (!seen.add(op.key())) {
        throw error(at, "the operator " + op.key() + " appears twice in one group; combine them with 'and' instead");
      }
      ops.add(op);
    } while (accept(","));
    expect("}", "to close the operator group opened at column " + column(open));
    return new Condition.Ops(ops);
  }

  private Op op() {
    Token t = next();
    enter();
    try {
      if (t.kind() == Kind.SYMBOL) {
        Op.Cmp cmp = cmp(t);
        if (cmp != null) {
          return new Op.Compare(cmp, value());
        }
      }
      if (t.kind() != Kind.IDENT) {
        throw error(t, "expected an operator (=, !=, <, <=, >, >=, in, not in, between, contains, starts with, ends with, matches, exists, missing, is) but found " + describe(t));
      }
      switch (t.text()) {
        case "version" -> {
          Token c = next();
          Op.Cmp cmp = c.kind() == Kind.SYMBOL ? cmp(c) : null;
          if (cmp == null) {
            throw error(c, "expected a comparison (=, !=, <, <=, >, >=) after 'version'");
          }
          return new Op.VersionCompare(cmp, value());
        }
        case "in" -> {
          return in(false);
        }
        case "not" -> {
          if (accept("in")) {
            return in(true);
          }
          return new Op.NotOp(condition());
        }
        case "exists" -> {
          return new Op.Exists(true);
        }
        case "missing" -> {
          return new Op.Exists(false);
        }
        case "matches" -> {
          boolean ic = ignoringCase();
          return new Op.Regex(string("a regular expression in quotes after 'matches'"), ic);
        }
        case "is" -> {
          expect("type", "after 'is' in an operator group; write 'is type \"string\"', or 'is <value>' alone");
          return new Op.Type(string("a type name in quotes, such as \"string\""));
        }
        case "size" -> {
          return new Op.Size(condition());
        }
        case "any" -> {
          if (peek().is("{")) {
            return new Op.ElemMatchValue(group());
          }
          Token open = peek();
          expect("(", "after 'any': any (field = value) for lists of objects, any { > 5 } for lists of values");
          Rule r = expr();
          expect(")", "to close the 'any (' at column " + column(open));
          return new Op.ElemMatchRule(r);
        }
        case "all" -> {
          boolean ic = ignoringCase();
          expect("[", "after 'all': all [\"a\", \"b\"]");
          List<Condition> conds = new ArrayList<>();
          if (!accept("]")) {
            do {
              conds.add(peek().is("{") ? group() : new Condition.Equals(value()));
            } while (accept(","));
            expect("]", "to close the list of 'all'");
          }
          return new Op.All(conds, ic);
        }
        case "between" -> {
          Value lo = value();
          expect("and", "between the two bounds of 'between'");
          return new Op.Between(lo, value());
        }
        case "contains" -> {
          return new Op.Contains(value());
        }
        case "starts" -> {
          expect("with", "after 'starts'");
          return new Op.StartsWith(string("a prefix in quotes after 'starts with'"));
        }
        case "ends" -> {
          expect("with", "after 'ends'");
          return new Op.EndsWith(string("a suffix in quotes after 'ends with'"));
        }
        case "unknown" -> {
          Token name = next();
          if (name.kind() != Kind.STRING || !name.text().startsWith("$")) {
            throw error(name, "expected an operator name in quotes starting with $ after 'unknown'");
          }
          return new Op.Unknown(name.text(), value());
        }
        default -> throw error(t, "unknown operator '" + t.text() + "'; expected =, !=, <, <=, >, >=, in, not in, between, contains, starts with, ends with, matches, exists, missing or is");
      }
    } finally {
      depth--;
    }
  }

  private Op in(boolean negated) {
    if (accept("group")) {
      return new Op.InGroup(string("a saved group name in quotes after 'in group'"), negated);
    }
    boolean ic = ignoringCase();
    Token at = peek();
    Value v = value();
    if (v instanceof Value.ListValue l) {
      return new Op.In(l.items(), negated, ic);
    }
    throw error(at, "expected a list such as [\"DK\", \"NO\"] after '" + (negated ? "not in" : "in") + "'");
  }

  private boolean ignoringCase() {
    if (accept("ignoring")) {
      expect("case", "after 'ignoring'");
      return true;
    }
    return false;
  }

  private static Op.Cmp cmp(Token t) {
    for (Op.Cmp c : Op.Cmp.values()) {
      if (c.symbol.equals(t.text())) {
        return c;
      }
    }
    return null;
  }

  // ---- values

  private Value value() {
    Token t = next();
    enter();
    try {
      switch (t.kind()) {
        case STRING:
          return new Value.Str(t.text());
        case NUMBER: {
          double d = Double.parseDouble(t.text());
          if (Double.isInfinite(d)) {
            throw error(t, "the number " + t.text() + " is too large");
          }
          return new Value.Num(d);
        }
        case DATE:
          try {
            return new Value.DateValue(LocalDate.parse(t.text()));
          } catch (DateTimeParseException e) {
            throw error(t, "'" + t.text() + "' is not a valid date");
          }
        case TIMESTAMP:
          try {
            Instant i = OffsetDateTime.parse(t.text()).toInstant();
            return new Value.TimeValue(i);
          } catch (DateTimeParseException e) {
            throw error(t, "'" + t.text() + "' is not a valid timestamp");
          }
        case IDENT:
          switch (t.text()) {
            case "true":
              return Value.Bool.TRUE;
            case "false":
              return Value.Bool.FALSE;
            case "null":
              return Value.NULL;
            default:
              throw error(t, "expected a value (a number, \"text\", a date, true, false, null or a [list]) but found " + describe(t) + "; quote text values");
          }
        case SYMBOL:
          if (t.text().equals("[")) {
            List<Value> items = new ArrayList<>();
            if (!accept("]")) {
              do {
                items.add(value());
              } while (accept(","));
              expect("]", "to close the list opened at column " + column(t));
            }
            return new Value.ListValue(items);
          }
          if (t.text().equals("{")) {
            Map<String, Value> fields = new LinkedHashMap<>();
            if (!accept("}")) {
              do {
                Token k = next();
                if (k.kind() != Kind.STRING) {
                  throw error(k, "expected a key in quotes inside an object value");
                }
                expect(":", "after the key \"" + k.text() + "\"");
                fields.put(k.text(), value());
              } while (accept(","));
              expect("}", "to close the object opened at column " + column(t));
            }
            return new Value.ObjectValue(fields);
          }
          // fall through
        default:
          throw error(t, "expected a value (a number, \"text\", a date, true, false, null or a [list]) but found " + describe(t));
      }
    } finally {
      depth--;
    }
  }

  private String string(String what) {
    Token t = next();
    if (t.kind() != Kind.STRING) {
      throw error(t, "expected " + what);
    }
    return t.text();
  }

  // ---- plumbing

  private <T> T mark(T node, int offset) {
    map.put(node, offset);
    return node;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw RuleException.at(src, peek().offset(), "the rule is nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peekAt(int k) {
    return tokens.get(Math.min(pos + k, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Kind.END) {
      pos++;
    }
    return t;
  }

  private boolean accept(String s) {
    if (peek().is(s)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String s, String context) {
    Token t = peek();
    if (!t.is(s)) {
      throw error(t, "expected '" + s + "' " + context + " but found " + describe(t));
    }
    pos++;
  }

  private int column(Token t) {
    int lineStart = src.lastIndexOf('\n', Math.max(0, t.offset() - 1)) + 1;
    return t.offset() - lineStart + 1;
  }

  private RuleException error(Token t, String reason) {
    return RuleException.at(src, t.offset(), reason);
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case END -> "the end of the rule";
      case STRING -> "the text \"" + t.text() + "\"";
      case QUOTED_IDENT -> "the name `" + t.text() + "`";
      default -> "'" + t.text() + "'";
    };
  }
}
