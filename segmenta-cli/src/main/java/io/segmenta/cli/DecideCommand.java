package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.personalize.RequestContext;
import io.segmenta.core.personalize.Sessions;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.ml.recommend.Recommender;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "decide", mixinStandardHelpOptions = true,
    description = {"What each placement would show a visitor now, and why: the same decision as POST /v1/personalize, from the shell.",
        "Example: segmenta decide --anonymous a-1 --click product:garden:g1 --click product:garden:g2 --click category:home --page /garden"})
final class DecideCommand extends StoreCommand implements Callable<Integer> {
  @Option(names = "--user", description = "The profile id.")
  String user;

  @Option(names = "--anonymous", description = "The anonymous id (alone: an anonymous visitor; with --user: carried over).")
  String anonymous;

  @Option(names = "--placement", description = "Only this placement (repeatable; default all).")
  List<String> placements = new ArrayList<>();

  @Option(names = "--page", description = "The page's URL or path.")
  String page;

  @Option(names = "--referrer", description = "The referrer URL.")
  String referrer;

  @Option(names = "--utm-source")
  String utmSource;

  @Option(names = "--utm-medium")
  String utmMedium;

  @Option(names = "--utm-campaign")
  String utmCampaign;

  @Option(names = "--device", description = "desktop, mobile or tablet.")
  String device;

  @Option(names = "--lead-magnet", description = "The lead magnet the visitor answered.")
  String leadMagnet;

  @Option(names = "--consent", description = "The visitor's personalization consent as the page knows it (true or false).")
  Boolean consent;

  @Option(names = "--click", paramLabel = "KIND:CATEGORY:PRODUCT", description = {"A click of this session, oldest first, a minute apart (repeatable).",
      "KIND is page, category, product, search, cart, checkout, deals, compare or reassurance; a URL is read for its kind."})
  List<String> clicks = new ArrayList<>();

  @Option(names = "--format", defaultValue = "table", description = "table (default) or json.")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant();
    List<Click> session = new ArrayList<>();
    for (int i = 0; i < clicks.size(); i++) {
      session.add(click(clicks.get(i), now.minus(Duration.ofMinutes(clicks.size() - 1 - i))));
    }
    try (Store s = store.open()) {
      ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
      bar.update("building recommendations", 0, 1);
      Recommender r = Recommender.fromStore(s.catalog(), s.activity(), now, Recommender.Options.DEFAULT);
      bar.update("building recommendations", 1, 1);
      long total = s.profiles().stats().profiles();
      Personalization p = Personalization.load(s.catalog(), s.placementDefinitions(), s.experimentDefinitions(),
          new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), clock), s.audiences(), r, new Sessions(1000, Duration.ofMinutes(30)), clock, n -> bar.update("loading profiles", n, total));
      bar.update("loading profiles", total, total);
      if (p.personalizer().placements().isEmpty()) {
        throw new UserException("there are no placements; create one with 'segmenta placement create FILE' (see docs/personalization.md)");
      }
      Personalizer.Outcome o = p.decide(new Personalizer.Request(user, anonymous, new RequestContext(page, referrer, utmSource, utmMedium, utmCampaign,
          device, leadMagnet), session, consent, placements), now);
      if (Output.format(format) == Output.Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profileId", o.profileId());
        m.put("known", o.known());
        m.put("personalized", o.personalized());
        m.put("intent", o.intent().label());
        m.put("topInterest", o.topInterest());
        m.put("interests", o.interests());
        List<Map<String, Object>> ds = new ArrayList<>();
        for (Personalizer.Choice c : o.choices()) {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("placement", c.placement());
          d.put("content", c.content());
          d.put("fallback", c.fallback());
          d.put("reason", c.reason());
          d.put("rule", c.rule());
          d.put("items", c.items().stream().map(Recommendations.Item::productId).toList());
          ds.add(d);
        }
        m.put("decisions", ds);
        Output.json(out, m);
        return 0;
      }
      out.printf("visitor: %s%s, intent %s, top interest %s%n", o.known() ? "profile " + o.profileId() : "anonymous",
          o.personalized() ? "" : " (not personalized: no consent)", o.intent().label(), o.topInterest() == null ? "none" : o.topInterest());
      List<List<String>> rows = new ArrayList<>();
      for (Personalizer.Choice c : o.choices()) {
        rows.add(List.of(c.placement(), c.content(), c.reason() + (c.rule() == null ? "" : ": " + c.rule()),
            String.join(" ", c.items().stream().map(Recommendations.Item::productId).toList())));
      }
      Charts.table(out, List.of("placement", "content", "why", "recommended"), rows);
    }
    return 0;
  }

  static Click click(String spec, Instant at) {
    String[] parts = spec.split(":", 3);
    try {
      if (parts[0].startsWith("/") || parts[0].startsWith("http")) {
        return Click.of(at, null, spec, null, null);
      }
      return Click.of(at, parts[0], null, parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null);
    } catch (IllegalArgumentException e) {
      throw new UserException("--click '" + spec + "': " + e.getMessage());
    }
  }
}
