package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.web.auth.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The CLV page in Debian's Chromium over a generated shop of 600 customers with three saved segments: reached from the
 * navigation, the model fitted in the background from the page's button, then the chart drawn with a bar per segment
 * and the table filled with figures. Screenshots go to target/screenshots/clv-*.png.
 */
class ClvBrowserTest {
  static final String PASSWORD = "clv password 1";
  static final List<String> SAVED = List.of("students", "families", "luxury-buyers");

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(600).saved(SAVED).user("mia", Role.MARKETER, PASSWORD);

  @Test
  void clv_fitFromThePage_drawsEachSegmentsPredictedValue() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      WEB.signIn(d, "mia", PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.findElement(By.linkText("CLV")).click();
      wait.until(x -> !x.findElements(By.id("no-clv")).isEmpty());
      WebFixture.shot(d, "clv-01-before-fit");

      d.findElement(By.id("clv-fit")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#clv-chart svg path")).isEmpty());
      List<WebElement> rows = d.findElements(By.cssSelector("#clv tbody tr"));
      assertEquals(SAVED.size(), rows.size());
      for (WebElement r : rows) {
        String total = r.findElement(By.cssSelector("td.total")).getText();
        assertTrue(total.matches("[0-9,]+\\.[0-9]{2}") && !total.equals("0.00"), "a real total, got '" + total + "'");
      }
      assertTrue(d.findElement(By.id("clv-model")).getText().startsWith("Predictions for the next 365"), d.findElement(By.id("clv-model")).getText());
      WebFixture.shot(d, "clv-02-fitted");
    } finally {
      d.quit();
    }
  }
}
