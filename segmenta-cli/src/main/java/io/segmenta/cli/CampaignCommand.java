package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.Campaigns;
import io.segmenta.core.campaign.json.CampaignJson;
import io.segmenta.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "campaign", mixinStandardHelpOptions = true,
    description = {"Campaigns: a segment bound to one message with a variant per channel (web placement, journey e-mail template, ad",
        "destination) and a priority. Each person gets one campaign everywhere: the highest priority whose segment they are in",
        "and whose channels their consent allows."},
    subcommands = {CampaignCommand.Add.class, CampaignCommand.ListCampaigns.class, CampaignCommand.Show.class, CampaignCommand.Remove.class})
final class CampaignCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Campaigns campaigns(Store s) {
    return new Campaigns(s.campaignDefinitions(), s.segmentDefinitions(), s.placementDefinitions(), s.destinationDefinitions());
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Save a campaign from its JSON file (replacing one of the same key); its segment, placement and ad destination must exist.")
  static final class Add extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The campaign as JSON.")
    Path file;

    @Override
    public Integer call() {
      Campaign c;
      try {
        c = CampaignJson.parse(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UserException("cannot read " + file + ": " + e.getMessage());
      } catch (UserException e) {
        throw new UserException(file + ": " + e.getMessage());
      }
      try (Store s = store.open()) {
        campaigns(s).save(c);
      } catch (UserException e) {
        throw new UserException("campaign " + c.key() + ": " + e.getMessage());
      }
      spec.commandLine().getOut().printf("saved campaign %s: segment %s, priority %d, channels %s%n", c.key(), c.segment(), c.priority(),
          channels(c));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List campaigns in the order arbitration tries them (highest priority first).")
  static final class ListCampaigns extends StoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      try (Store s = store.open()) {
        for (Campaign c : campaigns(s).ranked()) {
          rows.add(List.of(c.key(), Integer.toString(c.priority()), c.segment(), channels(c),
              c.web() == null ? "" : c.web().placement(), c.emailTemplate() == null ? "" : c.emailTemplate(),
              c.adDestination() == null ? "" : c.adDestination()));
        }
      }
      if (rows.isEmpty()) {
        spec.commandLine().getOut().println("no campaigns");
        return 0;
      }
      Charts.table(spec.commandLine().getOut(), List.of("campaign", "priority", "segment", "channels", "placement", "e-mail template", "ad destination"),
          rows);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a campaign's JSON.")
  static final class Show extends KeyedCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        Campaign c = s.campaignDefinitions().find(key).orElseThrow(() -> new UserException("there is no campaign '" + key + "'"));
        spec.commandLine().getOut().println(CampaignJson.json(c).toPrettyString());
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a campaign (not while an ad destination is bound to it).")
  static final class Remove extends KeyedCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        if (!campaigns(s).remove(key)) {
          throw new UserException("there is no campaign '" + key + "'");
        }
      }
      spec.commandLine().getOut().println("removed campaign " + key);
      return 0;
    }
  }

  static String channels(Campaign c) {
    return String.join(", ", c.channels().stream().map(ch -> ch.name().toLowerCase(Locale.ROOT)).toList());
  }
}
