package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.audience.GoogleNormaliser;
import io.segmenta.core.audience.MailchimpHash;
import io.segmenta.core.audience.MetaCustomerFile;
import io.segmenta.core.audience.MetaNormaliser;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Member;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audience", mixinStandardHelpOptions = true, description = "Audiences as files the channels' upload screens take.",
    subcommands = {AudienceCommand.Export.class})
final class AudienceCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Write a saved segment's members as the file a channel's upload screen takes, with only the people whose consent",
          "allows the channel's purpose (advertising for meta and google, e-mail marketing for mailchimp and csv):",
          "  meta       Meta's customer-list file: email x3, phone x3, fn, ln, ct, st, zip, country, dob, doby, gen, age,",
          "             each SHA-256 of Meta's normalisation (phone digits with the country code, no '+')",
          "  google     Email,Phone (Customer Match template): SHA-256 of Google's normalisation (E.164 phones)",
          "  mailchimp  Email Address,Tags (the import file; the tag is the segment's name)",
          "  csv        email"})
  static final class Export extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SEGMENT", description = "A saved segment's name.")
    String segment;

    @Option(names = "--format", required = true, description = "meta, google, mailchimp or csv.")
    String format;

    @Option(names = {"-o", "--output"}, required = true, description = "The file to write (whole or not at all).")
    Path output;

    @Option(names = "--default-calling-code", description = "Digits put before national phone numbers, e.g. 45.")
    String callingCode;

    @Override
    public Integer call() throws IOException {
      String f = format.toLowerCase(Locale.ROOT);
      if (!List.of("meta", "google", "mailchimp", "csv").contains(f)) {
        throw new UserException("--format must be meta, google, mailchimp or csv, got '" + format + "'");
      }
      Purpose purpose = f.equals("meta") || f.equals("google") ? Purpose.ADVERTISING : Purpose.EMAIL_MARKETING;
      MetaNormaliser meta = new MetaNormaliser(callingCode);
      GoogleNormaliser google = new GoogleNormaliser(callingCode);
      MetaCustomerFile metaFile = new MetaCustomerFile(meta);
      Path part = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".part");
      long[] counts = new long[2];
      try (Store s = store.open(); Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
        if (s.segmentDefinitions().find(segment).isEmpty()) {
          throw new UserException("there is no saved segment '" + segment + "'");
        }
        Rule rule = new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).ruleOf(segment);
        w.write(switch (f) {
          case "meta" -> String.join(",", MetaCustomerFile.HEADER) + "\n";
          case "google" -> "Email,Phone\n";
          case "mailchimp" -> "Email Address,Tags\n";
          default -> "email\n";
        });
        List<String> traits = f.equals("meta") ? MetaCustomerFile.TRAITS.stream().filter(t -> s.catalog().schema().trait(t).isPresent()).toList()
            : List.of();
        s.audiences().run(new AudienceQuery.Export(rule, Instant.now(), traits, purpose, m -> {
          String line = switch (f) {
            case "meta" -> Optional.ofNullable(metaFile.row(m)).map(r -> String.join(",", r)).orElse(null);
            case "google" -> hashed(google.email(first(m, "email")).map(GoogleNormaliser::hash),
                google.phone(first(m, "phone")).map(GoogleNormaliser::hash));
            case "mailchimp" -> MailchimpHash.email(first(m, "email")).map(e -> FileCsv.field(e) + "," + FileCsv.field(segment)).orElse(null);
            default -> MailchimpHash.email(first(m, "email")).map(FileCsv::field).orElse(null);
          };
          counts[line == null ? 1 : 0]++;
          if (line != null) {
            try {
              w.write(line + "\n");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        }));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      Files.move(part, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      spec.commandLine().getErr().printf("exported %,d members of %s for %s to %s (%,d without an identifier %s can match, left out)%n",
          counts[0], segment, f, output, counts[1], f);
      return 0;
    }

    private static String hashed(Optional<String> email, Optional<String> phone) {
      return email.isEmpty() && phone.isEmpty() ? null : email.orElse("") + "," + phone.orElse("");
    }

    private static String first(Member m, String kind) {
      return m.identifiers().stream().filter(i -> i.kind().equals(kind)).map(Identifier::value).findFirst().orElse(null);
    }
  }

  /** One CSV field, quoted when it must be. */
  static final class FileCsv {
    private FileCsv() {}

    static String field(String s) {
      return s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
    }
  }
}
