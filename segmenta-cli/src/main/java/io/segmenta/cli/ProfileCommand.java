package io.segmenta.cli;

import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "profile", mixinStandardHelpOptions = true, description = "What is held about a person.",
    subcommands = {ProfileCommand.Erase.class})
final class ProfileCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "erase", mixinStandardHelpOptions = true,
      description = {"GDPR erasure of a person (by id, or every holder of --by email) with every profile merged with it: profiles with",
          "their traits and scores, identifiers, events (also under their anonymous ids), order lines, consents, membership history",
          "and violation examples holding their identifiers; the database file is rewritten. The same use case as DELETE /admin/profiles/{id}."})
  static final class Erase extends StoreCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The profile id, or with --by the identifier's value.")
    String key;

    @Option(names = "--by", paramLabel = "KIND", description = "An identifier kind (email, phone, anonymous_id, ...): erase every profile holding it.")
    String by;

    @Override
    public Integer call() {
      try (Store s = store.open()) {
        // No server runs beside the CLI (the store's file is its own): nothing else holds the person.
        Erasure e = new Erasures(s.profiles(), s.identities(), List.of()).erase(key, by).erasure();
        out().printf("erased %d profile(s): %d events, %d order lines, %d identifiers%n", e.profileIds().size(), e.events(), e.orderLines(), e.identifiers());
      }
      return 0;
    }
  }
}
