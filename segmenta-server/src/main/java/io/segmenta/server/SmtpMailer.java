package io.segmenta.server;

import io.segmenta.core.journey.Mailer;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.Properties;

/**
 * Journeys' e-mail over SMTP with Jakarta Mail (Eclipse Angus). Each message keeps the Message-ID the engine derived
 * from its idempotency key (Jakarta Mail would otherwise make a new one at each attempt), and its List-Unsubscribe
 * headers. Messages in a row share one connection (see {@link #send}). A refused or unreachable server throws, and the
 * engine retries.
 */
public final class SmtpMailer implements Mailer {

  /** Where to send: host and port, the From address, and a login (user null: none); {@code startTls} when the server offers it. */
  public record Settings(String host, int port, String from, String user, String password, boolean startTls) {
    public Settings {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("the SMTP host must not be blank, got '" + host + "'");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("the SMTP port must be 1 to 65535, got " + port);
      }
      if (from == null || !from.contains("@")) {
        throw new IllegalArgumentException("the From address must be an e-mail address, got '" + from + "'");
      }
    }
  }

  private final Settings settings;
  private final Session session;

  public SmtpMailer(Settings s) {
    this.settings = s;
    Properties p = new Properties();
    p.put("mail.smtp.host", s.host());
    p.put("mail.smtp.port", Integer.toString(s.port()));
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "30000");
    p.put("mail.smtp.writetimeout", "30000");
    p.put("mail.smtp.starttls.enable", Boolean.toString(s.startTls()));
    p.put("mail.smtp.auth", Boolean.toString(s.user() != null));
    this.session = s.user() == null ? Session.getInstance(p) : Session.getInstance(p, new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(s.user(), s.password());
      }
    });
  }

  /** How long a kept connection may idle before it is opened afresh (servers drop idle clients after a minute or more). */
  private static final long IDLE_NANOS = 10_000_000_000L;

  private Transport kept;
  private long lastUsed;

  /**
   * Sends over the connection kept from the last send when it idled less than 10 s, else over a new one. Why: a tick
   * delivers hundreds of messages in a row, and a connection each (TCP, EHLO, QUIT) cost more than the messages. A
   * kept connection the server has dropped meanwhile fails at its first command, before any message was accepted, so
   * the message is sent once more over a new connection; a new connection's failure is thrown, for the engine's
   * retries.
   */
  @Override
  public synchronized void send(Mailer.Message m) {
    MimeMessage msg;
    try {
      msg = new KeptId(session, m.messageId());
      msg.setFrom(new InternetAddress(settings.from()));
      msg.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(m.to(), true));
      msg.setSubject(m.subject(), "UTF-8");
      msg.setContent(m.html(), "text/html; charset=UTF-8");
      for (Map.Entry<String, String> h : m.headers().entrySet()) {
        msg.setHeader(h.getKey(), h.getValue());
      }
      msg.saveChanges();
    } catch (MessagingException e) {
      throw new IllegalStateException("smtp message could not be built: " + e.getClass().getSimpleName(), e);
    }
    boolean reused = kept != null && System.nanoTime() - lastUsed < IDLE_NANOS;
    try {
      transport(reused).sendMessage(msg, msg.getAllRecipients());
    } catch (MessagingException e) {
      drop();
      if (!reused || e instanceof SendFailedException) {
        throw new IllegalStateException("smtp delivery failed: " + e.getClass().getSimpleName(), e);
      }
      try {
        transport(false).sendMessage(msg, msg.getAllRecipients());
      } catch (MessagingException again) {
        drop();
        throw new IllegalStateException("smtp delivery failed: " + again.getClass().getSimpleName(), again);
      }
    }
    lastUsed = System.nanoTime();
  }

  private Transport transport(boolean reuse) throws MessagingException {
    if (reuse) {
      return kept;
    }
    drop();
    Transport t = session.getTransport("smtp");
    t.connect();
    kept = t;
    return t;
  }

  private void drop() {
    Transport t = kept;
    kept = null;
    if (t != null) {
      try {
        t.close();
      } catch (MessagingException e) {
        // Already gone: nothing to release.
      }
    }
  }

  /** A message whose Message-ID is the one given, not a fresh one per save. */
  private static final class KeptId extends MimeMessage {
    private final String id;

    KeptId(Session s, String id) {
      super(s);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
