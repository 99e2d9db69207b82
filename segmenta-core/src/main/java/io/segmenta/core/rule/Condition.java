package io.segmenta.core.rule;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** What a value must satisfy: equal a literal, or pass every one of a group of operators. */
public sealed interface Condition {

  /** Implicit equality with a literal (GrowthBook's bare condition value, {@code is} in the text form). */
  record Equals(Value value) implements Condition {
    public Equals {
      Objects.requireNonNull(value, "value");
    }
  }

  /** One or more operators that must all pass. No operator may appear twice (JSON could not hold it). */
  record Ops(List<Op> ops) implements Condition {
    public Ops {
      ops = List.copyOf(ops);
      checkArgument(!ops.isEmpty(), "an operator group needs at least one operator");
      Set<String> seen = new HashSet<>();
      for (Op op : ops) {
        checkArgument(seen.add(op.key()), "operator %s appears twice in one group", op.key());
      }
    }

    public static Ops of(Op op) {
      return new Ops(List.of(op));
    }
  }
}
