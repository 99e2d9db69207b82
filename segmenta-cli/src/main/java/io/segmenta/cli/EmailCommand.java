package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.email.Recipients;
import io.segmenta.core.store.Store;
import io.segmenta.ml.recommend.Recommender;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.segmenta.core.ingest.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.segmenta.core.personalize.Recommendations;
import picocli.CommandLine;
import org.unbescape.html.HtmlEscape;

@Command(name = "email", mixinStandardHelpOptions = true,
    description = {"Personal e-mails from Pebble templates: traits, computed traits, segment blocks and recommendation slots.",
        "Example: segmenta email preview --template thanks.json --profile c0000042 --html preview.html"},
    subcommands = {EmailCommand.Preview.class})
final class EmailCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "preview", mixinStandardHelpOptions = true, description = "Render a template for one profile; print the subject and the body (or write it with --html).")
  static final class Preview extends StoreCommand implements Callable<Integer> {
    @Option(names = "--template", required = true, description = "The template as JSON: key, subject, body, defaults, recommendations.")
    Path template;

    @Option(names = "--profile", required = true)
    String profile;

    @Option(names = "--html", description = "Write the body to this file instead of printing it.")
    Path html;

    /**
     * Three strands run at once, as a call spends its time in three places of about equal size (docs/BENCHMARKS.md,
     * "email preview under a second"): the template (JSON, two Pebble engines, the check), the kept recommender
     * (a 3 MB file on the demo shop, read while the store opens and checked against its key after), and the store
     * (open, the profile's history, its segments). Errors keep their order: a bad template is reported first.
     */
    @Override
    public Integer call() {
      ExecutorService pool = Executors.newFixedThreadPool(2, task -> {
        Thread th = new Thread(task, "email-preview");
        th.setDaemon(true);
        return th;
      });
      try {
        return preview(pool);
      } finally {
        pool.shutdownNow();
      }
    }

    private Integer preview(ExecutorService pool) {
      CompletableFuture<EmailTemplate> parsed = CompletableFuture.supplyAsync(this::readTemplate, pool);
      Path dataDir = store.config().dataDir();
      CompletableFuture<ModelCache.Kept> kept = parsed.thenApplyAsync(t -> t.recommendations() > 0 ? ModelCache.read(dataDir) : null, pool);
      CompletableFuture<EmailRenderer> checked = parsed.thenApplyAsync(t -> {
        EmailRenderer r = new EmailRenderer();
        r.check(t);
        // unbescape builds its HTML5 tables at the first escape (~34 ms): here, not on the render's path.
        HtmlEscape.escapeHtml5("<");
        return r;
      }, pool);
      Store opened;
      try {
        opened = store.openReadOnly();
      } catch (RuntimeException e) {
        join(checked);
        throw e;
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = opened) {
        EmailTemplate t = join(parsed);
        EmailRenderer renderer = join(checked);
        Clock clock = Clock.systemUTC();
        // Asked for last (after the history and segments), so the kept model has had that long to be read.
        Recommendations recs = t.recommendations() == 0 ? Recommendations.NONE : (id, session, n) -> ModelCache.recommender(s, dataDir, clock.instant(),
            Recommender.Options.DEFAULT, () -> join(kept), Progress.NONE).model().recommend(id, session, n);
        Recipients.Lookup who = Recipients.of(s.catalog(), s.profiles(), s.consent(), s.segmentDefinitions(), s.scores(), profile, recs, t.recommendations(), clock);
        EmailRenderer.Email e = renderer.render(t, who.recipient());
        out.println("Subject: " + e.subject());
        if (!e.defaulted().isEmpty()) {
          out.println("(defaults used for: " + String.join(", ", e.defaulted()) + ")");
        }
        if (!who.emailConsent()) {
          out.println("(note: this profile has not consented to marketing e-mail; a send would leave it out)");
        }
        if (html != null) {
          try {
            Files.writeString(html, e.html(), StandardCharsets.UTF_8);
          } catch (IOException x) {
            throw new UserException("cannot write " + html + ": " + x.getMessage());
          }
          out.println("body written to " + html);
        } else {
          out.println();
          out.println(e.html());
        }
      }
      return 0;
    }

    private EmailTemplate readTemplate() {
      try {
        return EmailRenderer.parse(Files.readString(template, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UserException("cannot read " + template + ": " + e.getMessage());
      } catch (UserException e) {
        throw new UserException(template + ": " + e.getMessage());
      }
    }

    /** The strand's value, or the exception it ended with, as thrown where the strand began. */
    private static <T> T join(CompletableFuture<T> f) {
      try {
        return f.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }
}
