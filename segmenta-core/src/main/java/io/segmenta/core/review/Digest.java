package io.segmenta.core.review;

import io.segmenta.core.journey.Mailer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Map;

/**
 * The weekly review digest: the alerts of the week as one e-mail to the people who look after segments, sent
 * through the journeys' {@link Mailer}. Its Message-ID is derived from the ISO week, so a digest sent again after a
 * crash is the same message. Segment names and numbers only: alerts carry no personal data.
 */
public final class Digest {
  private Digest() {}

  /** The digest of {@code alerts} for the week holding {@code day}, to {@code to}. */
  public static Mailer.Message of(List<Alert> alerts, LocalDate day, String to) {
    int week = day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    int year = day.get(IsoFields.WEEK_BASED_YEAR);
    String subject = "Segmenta review, week " + year + "-W" + (week < 10 ? "0" : "") + week + ": " + alerts.size()
        + (alerts.size() == 1 ? " segment finding" : " segment findings");
    StringBuilder html = new StringBuilder("<h1>").append(escape(subject)).append("</h1>");
    if (alerts.isEmpty()) {
      html.append("<p>No segment needs a look this week.</p>");
    } else {
      html.append("<table><tr><th>segment</th><th>why</th><th>what shows it</th><th>raised</th></tr>");
      for (Alert a : alerts) {
        html.append("<tr><td>").append(escape(a.segment())).append("</td><td>").append(escape(a.reason().label())).append("</td><td>")
            .append(escape(a.detail())).append("</td><td>").append(a.at().atOffset(ZoneOffset.UTC).toLocalDate()).append("</td></tr>");
      }
      html.append("</table><p>Run <code>segmenta review</code> for the full list.</p>");
    }
    String id = "<review-" + year + "-W" + week + "@segmenta>";
    return new Mailer.Message(id, to, subject, html.toString(), Map.of());
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
