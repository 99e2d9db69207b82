package io.segmenta.cli;

import io.segmenta.core.port.Store;
import io.segmenta.core.port.StoreStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, description = "What the store holds: profiles, events by type, order lines, time span.")
final class StatsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Store s = store.open()) {
      StoreStats st = s.stats();
      out.printf("database: %s%n", store.config().databaseFile());
      out.printf("profiles: %,d   events: %,d   order lines: %,d%n", st.profiles(), st.events(), st.orderLines());
      if (st.firstEvent() != null) {
        out.printf("events from %s to %s%n", st.firstEvent(), st.lastEvent());
      }
      List<Charts.Bar> bars = new ArrayList<>();
      st.eventsByType().forEach((k, v) -> bars.add(new Charts.Bar(k, v, "")));
      Charts.bars(out, bars, st.events(), 30);
    }
    return 0;
  }
}
