package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.store.Store;
import io.segmenta.server.JourneySettings;
import io.segmenta.server.Server;
import io.segmenta.server.SmtpMailer;
import io.segmenta.server.Source;
import io.segmenta.web.WebApp;
import io.segmenta.web.auth.Users;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the live server: the web app (/), Segment's tracking API (/v1/track, /v1/batch, ...), /v1/decide, the admin API",
        "(/admin/...) and /openapi.json, over the embedded database. Stop it with Ctrl-C. Web users: segmenta user add.",
        "Keys come from the options or SEGMENTA_WRITE_KEYS (comma-separated) and SEGMENTA_ADMIN_KEY; missing ones are generated and printed.",
        "Browsers: analytics.js posts to the same server (CORS, see --cors-origin) and can load from it (--analytics-js); see docs/tracking.md."})
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--port", defaultValue = "8088", description = "Port (default 8088).")
  int port;

  @Option(names = "--write-key", description = "A write key for tracking and decisions (repeatable).")
  List<String> writeKeys = new ArrayList<>();

  @Option(names = "--decision-refresh", defaultValue = "5m",
      description = "How often the decision API reloads profiles, segments and recommendations, e.g. 5m, 1h (default 5m).")
  String decisionRefresh;

  @Option(names = "--admin-key", description = "The admin key for the admin API (at least 8 characters).")
  String adminKey;

  @Option(names = "--source", paramLabel = "NAME:KEY[:strict]",
      description = {"A named source with its write key (repeatable), e.g. web:wk_123 or backend:wk_456:strict.",
          "A strict source refuses messages whose values clash with declared types; lenient (the default) keeps them aside."})
  List<String> sources = new ArrayList<>();

  @Option(names = "--cors-origin", paramLabel = "ORIGIN",
      description = {"A web origin whose pages may send tracking calls, e.g. https://shop.example (repeatable).",
          "Without any, pages of every origin may send (a browser's write key is public anyway); with some, others get 403."})
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--analytics-js", paramLabel = "DIR",
      description = "Serve the analytics.js bundle from DIR (fill it with scripts/analytics-js DIR), so pages load nothing from Segment.")
  Path analyticsJs;

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The address browsers reach this server at, e.g. https://t.shop.example (default: as each request names it).")
  String publicUrl;

  @Option(names = "--smtp", paramLabel = "HOST:PORT",
      description = "The SMTP server journeys send e-mail through, e.g. smtp.shop.example:587 (default: none, sends are skipped and say so).")
  String smtp;

  @Option(names = "--mail-from", paramLabel = "ADDRESS", description = "The From address of journey e-mail (needed with --smtp).")
  String mailFrom;

  @Option(names = "--smtp-user", description = "The SMTP login; its password is read from the environment variable SEGMENTA_SMTP_PASSWORD.")
  String smtpUser;

  @Option(names = "--smtp-starttls", description = "Upgrade the SMTP connection with STARTTLS.")
  boolean smtpStartTls;

  @Option(names = "--body-timeout", defaultValue = "20s",
      description = "How long a client may take to send a request body before it gets 408, e.g. 20s (default 20s).")
  String bodyTimeout;

  @Option(names = "--schema-limit", paramLabel = "KEY=N",
      description = "How fast tracking may grow the schema (repeatable): new-names-per-request (default 50), "
          + "properties-per-event-type (200), properties (1000), traits (500). Beyond them a request gets 400.")
  List<String> schemaLimits = new ArrayList<>();

  /** The schema growth limits: the defaults, with each {@code KEY=N} given replacing one. */
  static SegmentSpec.Policy limits(List<String> given) {
    SegmentSpec.Policy d = SegmentSpec.Policy.LENIENT;
    int names = d.newNamesPerRequest();
    int perType = d.propertiesPerEventType();
    int properties = d.totalProperties();
    int traits = d.totalTraits();
    for (String g : given) {
      int eq = g.indexOf('=');
      String key = eq < 0 ? g : g.substring(0, eq).trim();
      int n;
      try {
        n = Integer.parseInt(eq < 0 ? "" : g.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new UserException("--schema-limit takes KEY=N with N a whole number, got '" + g + "'");
      }
      if (n < 0) {
        throw new UserException("--schema-limit " + key + " must be 0 or more, got " + n);
      }
      switch (key) {
        case "new-names-per-request" -> names = n;
        case "properties-per-event-type" -> perType = n;
        case "properties" -> properties = n;
        case "traits" -> traits = n;
        default -> throw new UserException("--schema-limit: unknown limit '" + key
            + "'; expected new-names-per-request, properties-per-event-type, properties or traits");
      }
    }
    return new SegmentSpec.Policy(false, names, perType, properties, traits);
  }

  /** The mail transport of journeys, from --smtp and --mail-from (none without --smtp). */
  private JourneySettings journeys() {
    // Webhook steps sign with this secret (docs/journeys.md); without it they are skipped and say so.
    String hookSecret = System.getenv("SEGMENTA_JOURNEY_WEBHOOK_SECRET");
    if (smtp == null) {
      return new JourneySettings(null, JourneySettings.NO_MAIL.tick(), hookSecret);
    }
    int colon = smtp.lastIndexOf(':');
    if (colon <= 0 || !smtp.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new UserException("--smtp is HOST:PORT, e.g. smtp.shop.example:587, got '" + smtp + "'");
    }
    try {
      return new JourneySettings(new SmtpMailer(new SmtpMailer.Settings(smtp.substring(0, colon), Integer.parseInt(smtp.substring(colon + 1)),
          mailFrom, smtpUser, smtpUser == null ? null : System.getenv("SEGMENTA_SMTP_PASSWORD"), smtpStartTls)), JourneySettings.NO_MAIL.tick(),
          hookSecret);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage() + " (--smtp, --mail-from)");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Set<String> writes = new LinkedHashSet<>(writeKeys);
    String env = System.getenv("SEGMENTA_WRITE_KEYS");
    if (writes.isEmpty() && env != null && !env.isBlank()) {
      for (String k : env.split(",")) {
        if (!k.isBlank()) {
          writes.add(k.trim());
        }
      }
    }
    String admin = adminKey != null ? adminKey : System.getenv("SEGMENTA_ADMIN_KEY");
    var out = spec.commandLine().getOut();
    List<Source> named = new ArrayList<>();
    for (String src : sources) {
      try {
        named.add(Source.parse(src));
      } catch (IllegalArgumentException e) {
        throw new UserException("--source: " + e.getMessage());
      }
    }
    if (writes.isEmpty() && named.isEmpty()) {
      String k = "wk_" + random();
      writes.add(k);
      out.println("write key (generated): " + k);
    }
    if (admin == null) {
      admin = "ak_" + random();
      out.println("admin key (generated): " + admin);
    }
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be between 0 and 65535, got " + port);
    }
    Server.Options options;
    Clock clock = Clock.systemUTC();
    try {
      // Checked before the database opens: a typo in an option costs no start-up.
      options = new Server.Options(host, port, writes, admin, clock, store.config().dataDir(),
          refresh(decisionRefresh), named, Set.copyOf(corsOrigins), analyticsJs, publicUrl(publicUrl), refresh("--body-timeout", bodyTimeout),
          limits(schemaLimits));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    JourneySettings journeys = journeys();
    Store s = store.open(clock);
    Server server;
    try {
      // The web app is composed here: the server only offers the hook.
      server = Server.start(s, options, journeys, List.of(new WebApp(s, Users.in(store.config().dataDir()), clock)));
    } catch (IllegalArgumentException e) {
      s.close();
      throw new UserException(e.getMessage());
    } catch (RuntimeException e) {
      s.close();
      throw new UserException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    out.printf("segmenta is serving %s on http://%s:%d (API: /openapi.json)%n", store.config().dataDir(), host, server.port());
    out.printf("web app: http://%s:%d/%s%n", host, server.port(),
        Users.in(store.config().dataDir()).list().isEmpty() ? " (no users yet: segmenta user add NAME --role admin)" : "");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      s.close();
      stopped.countDown();
    }, "segmenta-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // Stopped by its caller (segmenta demo --serve in a test) rather than by Ctrl-C: close as the hook would.
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
      s.close();
      throw e;
    }
    return 0;
  }

  private static String random() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static Duration refresh(String s) {
    return refresh("--decision-refresh", s);
  }

  static URI publicUrl(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = new URI(url.trim());
      if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getRawAuthority() == null) {
        throw new UserException("--public-url must be an http(s) address such as https://t.shop.example, got '" + url + "'");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new UserException("--public-url must be an http(s) address such as https://t.shop.example, got '" + url + "'");
    }
  }

  static Duration refresh(String option, String s) {
    Matcher m = Pattern.compile("(\\d{1,9})(s|m|h)").matcher(s.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UserException(option + " must be a positive number of seconds, minutes or hours such as 30s, 5m or 1h, got '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
