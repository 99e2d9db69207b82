package io.segmenta.cli;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Generate a demo shop, import it, save the example segments of the articles and show their sizes.",
        "Running it again changes nothing: the shop is deterministic and import is idempotent."})
final class DemoCommand implements Callable<Integer> {
  /** Behavioral segments a shop would start with, next to the ten persona examples. */
  static final Map<String, String> BEHAVIOURAL = new LinkedHashMap<>();

  static {
    BEHAVIOURAL.put("recent-repeat-buyers", "count(order in last 90 days) >= 2");
    BEHAVIOURAL.put("big-spenders", "sum(order.revenue in last 365 days) >= 1000");
    BEHAVIOURAL.put("high-returners", "count(order in last 365 days) >= 2 and sum(return.value in last 365 days) / sum(order.revenue in last 365 days) > 0.85");
    BEHAVIOURAL.put("lapsed-customers", "days_since(order) > 180 and not segment \"recent-repeat-buyers\"");
    BEHAVIOURAL.put("came-from-social", "count(session where traffic_source = \"social\" in last 180 days) >= 1");
  }

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--customers", defaultValue = "20000", description = "Size of the demo shop (default 20000).")
  int customers;

  @Option(names = "--serve", description = {"Then serve the web app over the demo shop at once (as segmenta serve), with a first admin user",
      "'admin' made and its password printed when the data directory has no web users yet."})
  boolean serve;

  @Option(names = "--port", defaultValue = "8088", description = "The port --serve listens on (default 8088).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ShopGenerator shop = ShopGenerator.standard();
    Path files = store.config().dataDir().resolve("demo-shop");
    out.printf("Segmenta demo: a synthetic Nordic web shop of %,d customers, two years of history until %s%n", customers, shop.asOf());
    out.println("data directory: " + store.config().dataDir());
    ProgressBar bar = new ProgressBar(err);
    GenerateCommand.write(shop, customers, files, true, bar);
    try (Store s = store.open()) {
      for (String f : List.of("profiles.jsonl.gz", "events.jsonl.gz")) {
        ImportReport r = Importer.runJsonLines(files.resolve(f), s.catalog(), s.profiles(), new Importer.Options(false, null, bar));
        bar.finishLine();
        ImportCommand.print(out, r);
      }
      Segments segments = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC());
      ExampleSegments.ALL.values().forEach(e -> segments.save(e.name(), e.rule(), "example segment of the segmentation articles (seed 001)"));
      BEHAVIOURAL.forEach((name, rule) -> segments.save(name, rule, "behavioral starter segment"));
      Instant at = shop.asOf();
      long total = s.profiles().stats().profiles();
      out.printf("%nSegments as of %s (%,d profiles):%n", at, total);
      List<Charts.Bar> bars = new ArrayList<>();
      for (SegmentDefinition d : s.segmentDefinitions().all()) {
        long t0 = System.nanoTime();
        long n = s.audiences().run(new AudienceQuery.Count(RuleText.parseRule(d.rule()), at));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        bars.add(new Charts.Bar(d.name(), n, ms + " ms"));
      }
      Charts.bars(out, bars, total, 30);
      out.println();
      out.println("Try:");
      out.println("  ./segmenta segment explain high-returners --as-of latest");
      out.println("  ./segmenta segment count 'segment \"big-spenders\" and not segment \"high-returners\"' --as-of latest");
      out.println("  ./segmenta segment export luxury-buyers --traits first_name,city --as-of latest -o luxury.csv");
    }
    out.println();
    if (!serve) {
      out.printf("The web app over this shop: ./segmenta serve --data-dir %s, then open http://127.0.0.1:%d/ (or run ./segmenta demo --serve)%n",
          store.config().dataDir(), port);
      return 0;
    }
    Users users = Users.in(store.config().dataDir());
    if (users.list().isEmpty()) {
      String password = password();
      users.add("admin", Role.ADMIN, password.toCharArray());
      out.println("web user made: admin, password " + password + " (more with segmenta user add)");
    }
    out.flush();
    ServeCommand s = new ServeCommand();
    s.spec = spec;
    s.store = store;
    s.host = "127.0.0.1";
    s.port = port;
    s.decisionRefresh = "5m";
    s.bodyTimeout = "20s";
    return s.call();
  }

  /** A first password: 16 characters from an alphabet without look-alikes. */
  private static String password() {
    String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    SecureRandom r = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
