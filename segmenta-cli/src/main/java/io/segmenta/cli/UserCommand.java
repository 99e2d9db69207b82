package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.User;
import io.segmenta.web.auth.Users;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Users of the web app (segmenta serve, at /): add, list, remove. They live in users.tsv of the data directory,",
        "so this works while the server runs. Roles: viewer (aggregates only), marketer, admin (keys, users). See docs/web.md."},
    subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class})
final class UserCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: add, list or remove");
  }

  /** The environment variable a password may come from (an argument would show in ps). */
  static final String PASSWORD_ENV = "SEGMENTA_PASSWORD";

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a user. The password comes from SEGMENTA_PASSWORD, or is asked for (a terminal), or is the first line",
          "of standard input (a pipe); never from an argument, which other users of the machine could read in ps."})
  static final class Add implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "NAME", description = "The user name: a-z, 0-9, '.', '_', '@', '-'.")
    String name;

    @Option(names = "--role", required = true, description = "viewer, marketer or admin.")
    String role;

    @Override
    public Integer call() {
      Role r = Role.parse(role);
      Users users = Users.in(store.config().dataDir());
      User u = users.add(name, r, password());
      spec.commandLine().getOut().printf("added %s as %s%n", u.name(), u.role().label());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users and their roles.")
  static final class ListUsers implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      var all = Users.in(store.config().dataDir()).list();
      if (all.isEmpty()) {
        out.println("no users yet; add one with: segmenta user add NAME --role admin");
      }
      for (User u : all) {
        out.printf("%-24s %s%n", u.name(), u.role().label());
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user; their sessions end at their next request.")
  static final class Remove implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "NAME", description = "The user to remove.")
    String name;

    @Override
    public Integer call() {
      Users.in(store.config().dataDir()).remove(name);
      spec.commandLine().getOut().println("removed " + name);
      return 0;
    }
  }

  private static char[] password() {
    String env = System.getenv(PASSWORD_ENV);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console c = System.console();
    if (c != null) {
      char[] first = c.readPassword("password: ");
      char[] again = c.readPassword("again: ");
      if (first == null || again == null || !String.valueOf(first).equals(String.valueOf(again))) {
        throw new UserException("the two passwords differ; nothing was changed");
      }
      return first;
    }
    try {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new UserException("give the password in " + PASSWORD_ENV + " or as the first line of standard input");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new UserException("cannot read the password from standard input: " + e.getMessage());
    }
  }
}
