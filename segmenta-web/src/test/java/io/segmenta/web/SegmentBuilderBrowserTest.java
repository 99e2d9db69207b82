package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.web.auth.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The segment builder and a segment's page in Debian's Chromium over a real store and server (issue 15's walk 2 and
 * 3): build a segment in the form, see its live size and funnel, switch to text and back without loss, see an error
 * at its line and column and completion offer a trait, save it, open its page with every chart drawn, download its
 * CSV; a viewer refused the builder; the form's render-and-collect round trip over seeded random rules; the builder
 * at tablet width. Screenshots of every page visited go to target/screenshots (prefix "b").
 */
class SegmentBuilderBrowserTest {
  static final int CUSTOMERS = 400;
  static final String PASSWORD = "marketer password 1";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(CUSTOMERS).saved(List.of("students", "travellers")).user("rae", Role.MARKETER, PASSWORD)
      .user("vic", Role.VIEWER, "viewer password 1");
  static Instant asOf;

  @BeforeAll
  static void start() {
    asOf = AsOfDefault.of(Instant.now(), WEB.store().profiles().stats().lastEvent());
  }

  @Test
  void builder_inChromium_buildsInTheFormSwitchesWithoutLossSavesAndDrawsItsPage() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
      WEB.signIn(d, "rae", PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/segments");
      d.findElement(By.id("new-segment")).click();
      wait.until(x -> x.getTitle().startsWith("New segment"));
      WebFixture.shot(d, "b01-builder-empty");

      // The form: an aggregate (orders in the last 2 years >= 2) and a trait condition (income >= 40000).
      d.findElement(By.id("tab-form")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#form-root .group")).isEmpty());
      d.findElement(By.xpath("//button[text()='Add aggregate']")).click();
      WebElement agg = d.findElement(By.cssSelector("#form-root .cond[aria-label='Aggregate condition']"));
      new Select(field(agg, "Of event")).selectByValue("order");
      setValue(field(agg, "In the last"), "2");
      new Select(field(agg, "Unit")).selectByValue("years");
      setValue(field(agg, "Value"), "2");
      d.findElement(By.xpath("//button[text()='Add trait condition']")).click();
      WebElement trait = d.findElements(By.cssSelector("#form-root .cond[aria-label='Trait condition']")).get(0);
      setValue(field(trait, "Trait"), "income");
      new Select(field(trait, "Condition")).selectByValue("$gte");
      setValue(field(trait, "Value"), "40000");

      Rule expected = RuleText.parseRule("count(order in last 2 years) >= 2 and income >= 40000");
      long size = WEB.store().audiences().run(new AudienceQuery.Count(expected, asOf));
      long first = WEB.store().audiences().run(new AudienceQuery.Count(((Rule.And) expected).rules().get(0), asOf));
      wait.withMessage(() -> "live size " + size + "; the answer: " + d.findElement(By.id("check")).getText() + "; the form's rule: "
          + d.findElement(By.id("rule-json")).getAttribute("value"))
          .until(x -> x.findElements(By.id("live-size")).size() == 1 && x.findElement(By.id("live-size")).getText().equals(String.format("%,d", size)));
      List<WebElement> steps = d.findElements(By.cssSelector("#funnel tbody tr"));
      assertEquals(2, steps.size(), "a funnel step per top-level condition");
      assertTrue(steps.get(0).getText().contains(String.format("%,d", first)), steps.get(0).getText());
      assertEquals(4, d.findElements(By.cssSelector("#reach tbody td")).size(), "a reach per purpose");
      assertTrue(d.findElement(By.id("cost")).getText().contains("rows scanned"));
      WebFixture.shot(d, "b02-builder-form-live-size");

      // To text: the canonical text of the same rule; and back, and to text again: nothing lost.
      d.findElement(By.id("tab-text")).click();
      wait.until(x -> x.findElement(By.id("panel-text")).isDisplayed());
      String text = d.findElement(By.id("rule-text")).getAttribute("value");
      assertEquals(RuleText.print(expected), text);
      WebFixture.shot(d, "b03-builder-text");
      d.findElement(By.id("tab-form")).click();
      wait.until(x -> x.findElement(By.id("panel-form")).isDisplayed());
      assertEquals(2, d.findElements(By.cssSelector("#form-root .cond")).size());
      d.findElement(By.id("tab-text")).click();
      wait.until(x -> x.findElement(By.id("panel-text")).isDisplayed());
      assertEquals(text, d.findElement(By.id("rule-text")).getAttribute("value"));

      // An error at its line and column, marked in the editor; completion offers a trait.
      WebElement editor = d.findElement(By.id("rule-text"));
      editor.sendKeys(Keys.END, "\nand inc");
      wait.until(x -> !x.findElement(By.id("completions")).isDisplayed() || true);
      wait.until(x -> x.findElement(By.id("completions")).getText().contains("income"));
      WebFixture.shot(d, "b04-builder-completion");
      editor.sendKeys(Keys.ENTER);
      assertTrue(editor.getAttribute("value").endsWith("and income"), editor.getAttribute("value"));
      editor.sendKeys(" >= ");
      wait.until(x -> !x.findElements(By.id("rule-error")).isEmpty());
      assertTrue(d.findElement(By.id("rule-error")).getText().startsWith("line 2, column "), d.findElement(By.id("rule-error")).getText());
      assertTrue(!d.findElements(By.cssSelector("#rule-hl .bad")).isEmpty(), "the error's place is marked");
      WebFixture.shot(d, "b05-builder-error");
      editor.sendKeys("50000");
      wait.until(x -> x.findElements(By.id("rule-error")).isEmpty() && !x.findElements(By.id("live-size")).isEmpty());

      // Preview members, then save; the page of the new segment has its charts drawn.
      d.findElement(By.id("preview-members")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#members-result")).isEmpty());
      d.findElement(By.id("seg-name")).sendKeys("builder-made");
      WebFixture.shot(d, "b06-builder-before-save");
      d.findElement(By.id("save")).click();
      wait.until(x -> x.getCurrentUrl().endsWith("/segments/builder-made"));
      assertEquals(RuleText.print(RuleText.parseRule(text + "\nand income >= 50000")), WEB.store().segmentDefinitions().find("builder-made").orElseThrow().rule());
      for (String chart : List.of("history-chart", "pnl-chart", "rfm-chart", "overlap-chart")) {
        wait.until(x -> !x.findElements(By.cssSelector("#" + chart + " svg path")).isEmpty());
      }
      assertTrue(d.findElements(By.cssSelector("#rfm-chart svg path")).size() >= 25, "a 5x5 heatmap");
      assertEquals(5, d.findElements(By.cssSelector("#rfm-table tbody tr")).size());
      assertTrue(!d.findElements(By.cssSelector("#member-list li a[href^='/profiles/']")).isEmpty());
      assertTrue(d.findElements(By.cssSelector("#overlaps tbody tr")).size() == 2);
      assertTrue(!d.findElements(By.cssSelector("#composition tbody tr")).isEmpty());
      WebFixture.shot(d, "b07-segment-page");
      Object csv = d.executeAsyncScript("var done = arguments[arguments.length - 1]; fetch(arguments[0], {credentials: 'same-origin'})"
          + ".then(r => r.text().then(t => done(r.status + '\\n' + t))).catch(e => done('failed ' + e));", "/segments/builder-made/members.csv");
      String[] lines = csv.toString().split("\r?\n");
      assertEquals("200", lines[0], csv.toString());
      assertEquals("profile_id,identifiers", lines[1]);
      assertEquals(WEB.store().audiences().run(new AudienceQuery.Count(RuleText.parseRule(text + " and income >= 50000"), asOf)), lines.length - 2);

      // The page a segment is used on: students is used by nothing; a segment referring to it shows.
      d.get(WEB.base() + "/segments/students");
      wait.until(x -> !x.findElements(By.cssSelector("#rfm-chart svg path")).isEmpty());
      assertTrue(!d.findElements(By.id("no-uses")).isEmpty());
      WebFixture.shot(d, "b08-segment-students");

      // At tablet width the builder fits without scrolling sideways.
      d.manage().window().setSize(new Dimension(800, 1100));
      d.get(WEB.base() + "/segments/new?from=builder-made");
      wait.until(x -> !x.findElements(By.id("live-size")).isEmpty());
      Object overflow = d.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
      assertTrue(((Number) overflow).longValue() <= 0, "no sideways scroll at 800 px: " + overflow);
      d.findElement(By.id("tab-form")).click();
      wait.until(x -> x.findElement(By.id("panel-form")).isDisplayed());
      WebFixture.shot(d, "b09-builder-tablet-form");
    } finally {
      d.quit();
    }
  }

  @Test
  void roundTrip_randomRules_formCollectsTheJsonItRendered() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
      WEB.signIn(d, "rae", PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/segments/new");
      wait.until(x -> Boolean.TRUE.equals(d.executeScript("return !!window.segmentaBuilder;")));
      SplittableRandom random = new SplittableRandom(20261205);
      for (int i = 0; i < 60; i++) {
        // text -> rule -> form JSON -> (the form) -> JSON -> rule -> text
        String text = randomRule(random, 0);
        Rule rule = RuleText.parseRule(text);
        String json = RuleJson.print(rule);
        String back = (String) d.executeScript("return window.segmentaBuilder.roundTrip(arguments[0]);", json);
        assertEquals(JSON.readTree(json), JSON.readTree(back), "rule " + i + ": " + text);
        assertEquals(RuleText.print(rule), RuleText.print(RuleJson.parseRule(back)), "rule " + i);
      }
    } finally {
      d.quit();
    }
  }

  @Test
  void builder_viewer_isRefused() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
      WEB.signIn(d, "vic", "viewer password 1");
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/segments");
      assertTrue(d.findElements(By.id("new-segment")).isEmpty(), "a viewer is offered no builder");
      d.get(WEB.base() + "/segments/new");
      assertTrue(d.findElement(By.id("message")).getText().contains("needs the role marketer"), d.findElement(By.id("message")).getText());
      WebFixture.shot(d, "b10-builder-viewer-refused");
      d.get(WEB.base() + "/segments/students");
      wait.until(x -> !x.findElements(By.cssSelector("#rfm-chart svg path")).isEmpty());
      assertTrue(d.findElements(By.id("member-list")).isEmpty() && d.findElements(By.id("export-csv")).isEmpty(), "a viewer sees no member ids");
      WebFixture.shot(d, "b11-segment-viewer");
    } finally {
      d.quit();
    }
  }

  private static final String[] LEAVES = {
      "occupation = \"student\"", "age < 30", "income >= 40000", "has_children = true", "household_size >= 3", "interests contains \"travel\"",
      "values contains \"sustainability\"", "count(order in last 90 days) >= 2", "sum(order.revenue) > 300",
      "count(order_line where category = \"travel\") >= 1", "avg(order_line.unit_price) > 150", "segment \"students\"",
      "count(order where discount > 0) / count(order) >= 0.75", "days_since(order) > 400", "occupation in [\"retired\", \"full_time\"]",
      "count(product_view where category = \"electronics\" in last 365 days) >= 3", "sum(order_line.line_total where category = \"sports\" in last 365 days) > 100"};

  /** A random rule in the text syntax: leaves from the example segments, under and / or / not up to depth 3. */
  static String randomRule(SplittableRandom r, int depth) {
    int pick = depth >= 3 ? 0 : r.nextInt(5);
    if (pick <= 1) {
      return LEAVES[r.nextInt(LEAVES.length)];
    }
    if (pick == 4) {
      return "not (" + randomRule(r, depth + 1) + ")";
    }
    String joiner = pick == 2 ? " and " : " or ";
    int n = 2 + r.nextInt(3);
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? joiner : "").append(randomRule(r, depth + 1));
    }
    return sb.append(")").toString();
  }

  private static WebElement field(WebElement row, String label) {
    WebElement l = row.findElement(By.xpath(".//label[starts-with(normalize-space(.), '" + label + "')]"));
    return row.findElement(By.id(l.getAttribute("for")));
  }

  private static void setValue(WebElement input, String value) {
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys(value);
  }
}
