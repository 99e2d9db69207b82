package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Store;
import io.segmenta.server.Server;
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

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the live server: Segment's tracking API (/v1/track, /v1/batch, ...), /v1/decide, the admin API",
        "(/admin/...) and /openapi.json, over the embedded database. Stop it with Ctrl-C.",
        "Keys come from the options or SEGMENTA_WRITE_KEYS (comma-separated) and SEGMENTA_ADMIN_KEY; missing ones are generated and printed."})
final class ServeCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

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
    if (writes.isEmpty()) {
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
    Store s = store.open();
    Server server;
    try {
      server = Server.start(s, new Server.Options(host, port, writes, admin, Clock.systemUTC(), store.config().dataDir(),
          refresh(decisionRefresh)));
    } catch (IllegalArgumentException e) {
      s.close();
      throw new UserException(e.getMessage());
    } catch (RuntimeException e) {
      s.close();
      throw new UserException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    out.printf("segmenta is serving %s on http://%s:%d (API: /openapi.json)%n", store.config().dataDir(), host, server.port());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      s.close();
      stopped.countDown();
    }, "segmenta-shutdown"));
    stopped.await();
    return 0;
  }

  private static String random() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static java.time.Duration refresh(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(s|m|h)").matcher(s.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new io.segmenta.core.UserException("--decision-refresh must be a positive number of seconds, minutes or hours such as 30s, 5m or 1h, got '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      default -> java.time.Duration.ofHours(n);
    };
  }
}
