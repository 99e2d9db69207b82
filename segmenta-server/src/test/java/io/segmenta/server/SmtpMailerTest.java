package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.segmenta.core.journey.Mailer;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SmtpMailer} against GreenMail: messages in a row over a kept connection, and a connection the server dropped. */
class SmtpMailerTest {

  static Mailer.Message message(int i) {
    return new Mailer.Message("<m" + i + "@journeys.segmenta>", "p" + i + "@example.com", "Hi " + i, "<p>Hi</p>",
        Map.of("List-Unsubscribe", "<http://shop.test/u/p" + i + ">"));
  }

  static SmtpMailer mailer(int port) {
    return new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", port, "shop@example.com", null, null, false));
  }

  @Test
  void send_manyInARow_eachArrivesOnceWithItsMessageId() throws Exception {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    try {
      SmtpMailer m = mailer(mail.getSmtp().getPort());
      for (int i = 0; i < 25; i++) {
        m.send(message(i));
      }
      MimeMessage[] got = mail.getReceivedMessages();
      assertEquals(25, got.length);
      List<String> ids = new ArrayList<>();
      for (MimeMessage g : got) {
        ids.add(g.getMessageID() + " " + g.getAllRecipients()[0] + " " + g.getHeader("List-Unsubscribe")[0]);
      }
      assertEquals("<m7@journeys.segmenta> p7@example.com <http://shop.test/u/p7>", ids.get(7));
    } finally {
      mail.stop();
    }
  }

  @Test
  void send_afterTheServerDroppedTheKeptConnection_deliversOverANewOne() throws Exception {
    GreenMail first = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    first.start();
    int port = first.getSmtp().getPort();
    SmtpMailer m = mailer(port);
    m.send(message(1));
    assertEquals(1, first.getReceivedMessages().length);
    first.stop();
    GreenMail second = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    second.start();
    try {
      m.send(message(2));
      MimeMessage[] got = second.getReceivedMessages();
      assertEquals(1, got.length);
      assertEquals("<m2@journeys.segmenta>", got[0].getMessageID());
    } finally {
      second.stop();
    }
  }

  @Test
  void send_noServer_throwsForTheEnginesRetries() throws Exception {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    int port = mail.getSmtp().getPort();
    mail.stop();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> mailer(port).send(message(1)));
    assertEquals(true, e.getMessage().startsWith("smtp delivery failed"), e.getMessage());
  }
}
