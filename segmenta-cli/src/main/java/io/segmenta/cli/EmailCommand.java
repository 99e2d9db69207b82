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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.segmenta.core.personalize.Recommendations;
import picocli.CommandLine;

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

    @Override
    public Integer call() {
      EmailTemplate t;
      try {
        t = EmailRenderer.parse(Files.readString(template, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UserException("cannot read " + template + ": " + e.getMessage());
      } catch (UserException e) {
        throw new UserException(template + ": " + e.getMessage());
      }
      EmailRenderer renderer = new EmailRenderer();
      renderer.check(t);
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.openReadOnly()) {
        Clock clock = Clock.systemUTC();
        Recommender r = t.recommendations() > 0 ? ModelCache.recommender(s, store.config().dataDir(), clock.instant(), Recommender.Options.DEFAULT).model() : null;
        Recipients.Lookup who = Recipients.of(s.catalog(), s.profiles(), s.consent(), s.segmentDefinitions(), s.scores(), profile, r == null ? Recommendations.NONE : r, t.recommendations(), clock);
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
  }
}
