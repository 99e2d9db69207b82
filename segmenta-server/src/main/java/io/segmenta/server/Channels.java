package io.segmenta.server;

import io.segmenta.core.UserException;
import io.segmenta.core.destination.Channel;
import io.segmenta.core.destination.Destination;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Opens a destination's channel: the API clients with their secrets read from the environment variables the
 * destination names ({@code token_env}, ...), the webhook with its secret, files with the engine's Parquet writer.
 * The CLI and the server both open channels here.
 */
public final class Channels implements Function<Destination, Channel> {
  static final String META_API = "https://graph.facebook.com/v21.0";
  static final String GOOGLE_API = "https://googleads.googleapis.com/v18";

  private final Function<String, String> env;
  private final BiConsumer<Path, Path> csvToParquet;
  private final Clock clock;

  /** {@code env} reads environment variables (System::getenv); {@code csvToParquet} converts a CSV to Parquet (null: none). */
  public Channels(Function<String, String> env, BiConsumer<Path, Path> csvToParquet, Clock clock) {
    this.env = env;
    this.csvToParquet = csvToParquet;
    this.clock = clock;
  }

  @Override
  public Channel apply(Destination d) {
    return switch (d.kind()) {
      case META -> new MetaChannel(d.setting("api_base", META_API), secret(d, "token_env"), clock.millis());
      case GOOGLE -> new GoogleChannel(d.setting("api_base", GOOGLE_API), secret(d, "token_env"), secret(d, "developer_token_env"));
      case MAILCHIMP -> new MailchimpChannel(d.settings().get("api_base"), secret(d, "api_key_env"));
      case WEBHOOK -> new WebhookChannel(secret(d, "secret_env"), clock.instant());
      case CSV, FILE -> new FileChannel(csvToParquet);
    };
  }

  private String secret(Destination d, String setting) {
    String name = d.settings().get(setting);
    String v = env.apply(name);
    if (v == null || v.isBlank()) {
      throw new UserException("destination " + d.key() + ": the environment variable " + name + " (" + setting + ") is not set");
    }
    return v;
  }
}
