package io.segmenta.cli;

import io.segmenta.core.store.Store;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.port.StoreStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "stats", mixinStandardHelpOptions = true, description = {"What the store holds: profiles, events by type, order lines, time span,",
        "and the schema rules can use: every trait with its type and family, every event type with its properties."})
final class StatsCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store s = store.openReadOnly()) {
      StoreStats st = s.profiles().stats();
      out.printf("database: %s%n", store.config().databaseFile());
      out.printf("profiles: %,d   events: %,d   order lines: %,d%n", st.profiles(), st.events(), st.orderLines());
      if (st.firstEvent() != null) {
        out.printf("events from %s to %s%n", st.firstEvent(), st.lastEvent());
      }
      List<Charts.Bar> bars = new ArrayList<>();
      st.eventsByType().forEach((k, v) -> bars.add(new Charts.Bar(k, v, "")));
      Charts.bars(out, bars, st.events(), 30);
      Schema schema = s.catalog().schema();
      out.println();
      out.println("traits (use in rules as <trait> <operator>, e.g. country = \"DK\"):");
      Map<Family, List<String>> byFamily = new TreeMap<>();
      for (TraitDef t : schema.traits()) {
        byFamily.computeIfAbsent(t.family(), f -> new ArrayList<>()).add(t.name() + " (" + t.type() + ")");
      }
      byFamily.forEach((f, names) -> out.printf("  %s: %s%n", f.name().toLowerCase(Locale.ROOT), String.join(", ", names)));
      out.println("event types (use in aggregates as count(type), sum(type.property)):");
      for (EventTypeDef e : schema.eventTypes()) {
        out.printf("  %s%s%n", e.name(), e.properties().isEmpty() ? "" : ": " + String.join(", ", e.properties()));
      }
    }
    return 0;
  }
}
