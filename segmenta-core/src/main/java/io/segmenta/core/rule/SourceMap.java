package io.segmenta.core.rule;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where each node of a parsed rule stood in its source, kept apart from the AST so that nodes compare by value.
 * Nodes are looked up by identity: two equal conditions written twice have two places.
 */
public final class SourceMap {
  private final String source;
  private final Map<Object, Integer> offsets = new IdentityHashMap<>();
  private final Map<Object, String> pointers = new IdentityHashMap<>();

  SourceMap(String source) {
    this.source = source;
  }

  /** A map with no positions, for rules built in code. */
  public static SourceMap none() {
    return new SourceMap(null);
  }

  void put(Object node, int offset) {
    offsets.put(node, offset);
  }

  /** Records where {@code node} of a JSON rule came from, as a JSON pointer (the JSON syntax lives in its own package). */
  public void putPointer(Object node, String pointer) {
    pointers.put(node, pointer);
  }

  /** An error located at {@code node} if its place is known, else a general one. */
  public RuleException error(Object node, String reason) {
    Integer off = offsets.get(node);
    if (off != null && source != null) {
      return RuleException.at(source, off, reason);
    }
    String ptr = pointers.get(node);
    if (ptr != null) {
      return RuleException.atPointer(ptr, reason);
    }
    return RuleException.general(reason);
  }
}
