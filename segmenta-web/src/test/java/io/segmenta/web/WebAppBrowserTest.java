package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.web.auth.Role;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app in Debian's Chromium over a real store (a generated shop of 400 customers, three saved segments) and a
 * real server on loopback: sign in, Home with its chart drawn, Segments, a viewer refused the users page, a wrong
 * password rate-limited; and, with a plain HTTP client, POSTs without a CSRF token refused. Screenshots of every page
 * visited go to target/screenshots.
 */
class WebAppBrowserTest {
  static final int CUSTOMERS = 400;
  static final String ADMIN_PASSWORD = "admin password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers");

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(CUSTOMERS).saved(SAVED).user("ann", Role.ADMIN, ADMIN_PASSWORD)
      .user("vic", Role.VIEWER, VIEWER_PASSWORD).user("rae", Role.MARKETER, "marketer password 1");

  @Test
  void walk_inChromium_signsInDrawsHomeListsSegmentsAndRefuses() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
      d.get(WEB.base() + "/");
      assertTrue(d.getCurrentUrl().endsWith("/login"), "a visitor is sent to the login form: " + d.getCurrentUrl());
      WebFixture.shot(d, "01-login");
      WEB.signIn(d, "ann", ADMIN_PASSWORD);

      wait.until(x -> !x.findElements(By.cssSelector("#trend-chart svg path")).isEmpty());
      assertEquals("Home · Segmenta", d.getTitle());
      assertEquals(String.format("%,d", CUSTOMERS), d.findElement(By.id("customers")).getText());
      int paths = d.findElements(By.cssSelector("#trend-chart svg path")).size();
      assertTrue(paths > 12, "the chart draws bars and lines, got " + paths + " paths");
      assertFalse(d.findElement(By.id("net-revenue")).getText().isBlank());
      WebFixture.shot(d, "02-home");

      d.findElement(By.linkText("Segments")).click();
      wait.until(x -> x.getTitle().startsWith("Segments"));
      wait.until(x -> !x.findElements(By.cssSelector("#segments tbody tr")).isEmpty());
      List<String> names = d.findElements(By.cssSelector("#segments tbody .name")).stream().map(WebElement::getText).sorted().toList();
      assertEquals(SAVED.stream().sorted().toList(), names);
      WebFixture.shot(d, "03-segments");

      d.findElement(By.linkText("Users")).click();
      wait.until(x -> x.getTitle().startsWith("Users"));
      assertEquals(3, d.findElements(By.cssSelector("#users tbody tr")).size());
      WebFixture.shot(d, "04-users-admin");

      WebFixture.signOut(d);
      WEB.signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      assertTrue(d.findElements(By.linkText("Users")).isEmpty(), "a viewer's navigation has no users page");
      d.get(WEB.base() + "/settings/users");
      assertEquals("the page Users needs the role admin; you are signed in as a viewer", d.findElement(By.id("message")).getText());
      WebFixture.shot(d, "05-users-viewer-refused");
      WebFixture.signOut(d);

      // Five wrong passwords for an account, then even the right one is refused for a while.
      for (int i = 1; i <= 5; i++) {
        WEB.signIn(d, "rae", "not the password " + i);
        assertEquals("wrong user name or password", d.findElement(By.id("login-error")).getText(), "attempt " + i);
      }
      WEB.signIn(d, "rae", "marketer password 1");
      assertTrue(d.findElement(By.id("login-error")).getText().startsWith("too many failed sign-ins for this user or from this address"),
          d.findElement(By.id("login-error")).getText());
      WebFixture.shot(d, "06-login-rate-limited");
    } finally {
      d.quit();
    }
  }

  /**
   * Every page of the navigation (and a segment's, a profile's and the builder), as an admin, at a laptop's and a
   * tablet's width: every visible control has an accessible name (a label, aria-label or its text), none is taken out
   * of the keyboard's reach (tabindex -1 on a control), and the page is no wider than the window (wide tables scroll
   * inside their own box). The issue asks for labels and keyboard use for every control, on a laptop and a tablet.
   */
  @Test
  void everyPage_atLaptopAndTabletWidths_hasNamedReachableControlsAndFits() throws Exception {
    List<String> paths = new ArrayList<>(Pages.all().stream().filter(p -> p.title() != null && !p.path().contains("{"))
        .map(Page::path).toList());
    String someone = WEB.store().profiles().profileIds().get(0);
    paths.addAll(List.of("/segments/new", "/segments/students", "/profiles/" + URLEncoder.encode(someone, StandardCharsets.UTF_8)));
    ChromeDriver d = WEB.chromium();
    try {
      WEB.signIn(d, "ann", ADMIN_PASSWORD);
      List<String> problems = new ArrayList<>();
      for (int[] size : new int[][] {{1366, 768}, {768, 1024}}) {
        d.manage().window().setSize(new Dimension(size[0], size[1]));
        for (String path : paths) {
          d.get(WEB.base() + path);
          new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> "complete".equals(d.executeScript("return document.readyState")));
          Object found = d.executeScript("""
              const out = [];
              const visible = e => e.offsetParent !== null || e.getClientRects().length > 0;
              for (const e of document.querySelectorAll('input, select, textarea, button, a[href], [role=button]')) {
                if (e.type === 'hidden' || !visible(e)) continue;
                const name = (e.labels && e.labels.length ? [...e.labels].map(l => l.textContent).join(' ') : '')
                  || e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '').split(' ')
                    .map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
                  || (['BUTTON', 'A'].includes(e.tagName) || e.getAttribute('role') === 'button' ? e.textContent : '')
                  || (e.type === 'submit' || e.type === 'button' ? e.value : '') || e.getAttribute('title') || '';
                const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '');
                if (!name.trim()) out.push('unnamed ' + what);
                // A tab of a tab list may leave the Tab key's order when one tab of its list stays in it: arrows move
                // between tabs (WAI-ARIA's tabs pattern, "roving tabindex").
                const roving = e.getAttribute('role') === 'tab' && e.closest('[role=tablist]')
                  && e.closest('[role=tablist]').querySelector('[role=tab]:not([tabindex="-1"])');
                if (e.getAttribute('tabindex') === '-1' && !roving) out.push('out of keyboard reach ' + what);
              }
              const wide = document.documentElement.scrollWidth - window.innerWidth;
              if (wide > 4) out.push('wider than the window by ' + wide + ' px');
              return out;""");
          for (Object problem : (List<?>) found) {
            problems.add(size[0] + "px " + path + ": " + problem);
          }
          if (size[0] < 1000) {
            WebFixture.shot(d, "tablet" + path.replaceAll("[^a-z0-9]+", "-"));
          }
        }
      }
      assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    } finally {
      d.quit();
    }
  }

  @Test
  void post_withoutCsrfToken_isRefused() throws Exception {
    HttpClient http = WebFixture.HTTP;
    // The login form without its token, then with the cookie's token: only the second signs in.
    HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    String loginCookie = WebFixture.cookie(form, Auth.LOGIN_COOKIE);
    String token = WebFixture.csrf(form.body());
    assertEquals(403, WEB.send("/login", loginCookie, Map.of("name", "ann", "password", ADMIN_PASSWORD)).statusCode());
    assertEquals(403, WEB.send("/login", null, Map.of("name", "ann", "password", ADMIN_PASSWORD, "csrf", token)).statusCode());
    HttpResponse<String> in = WEB.send("/login", loginCookie, Map.of("name", "ann", "password", ADMIN_PASSWORD, "csrf", token));
    assertEquals(303, in.statusCode());
    String session = WebFixture.cookie(in, Auth.SESSION_COOKIE);
    assertTrue(in.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(Auth.SESSION_COOKIE + "=")
        && c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure")), in.headers().allValues("Set-Cookie").toString());

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/settings/users")).header("Cookie", session).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    String sessionToken = WebFixture.csrf(page.body());
    HttpResponse<String> noToken = WEB.send("/settings/users", session, Map.of("name", "eve", "role", "admin", "password", "eve password 12"));
    assertEquals(403, noToken.statusCode());
    assertTrue(noToken.body().contains(Auth.STALE_FORM.replace("'", "&#39;")), noToken.body());
    assertEquals(403, WEB.send("/settings/users", session, Map.of("name", "eve", "role", "admin", "password", "eve password 12",
        "csrf", token)).statusCode(), "the login form's token is not the session's");
    HttpResponse<String> bad = WEB.send("/settings/users", session, Map.of("name", "eve", "role", "boss", "password", "eve password 12",
        "csrf", sessionToken));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("role must be viewer, marketer or admin, got &#39;boss&#39;"), bad.body());
    HttpResponse<String> added = WEB.send("/settings/users", session, Map.of("name", "eve", "role", "viewer", "password", "eve password 12",
        "csrf", sessionToken));
    assertEquals(200, added.statusCode(), added.body());
    assertTrue(added.body().contains("added eve as viewer"), added.body());
    HttpResponse<String> shortOne = WEB.send("/settings/users", session, Map.of("name", "fay", "role", "viewer", "password", "short",
        "csrf", sessionToken));
    assertEquals(400, shortOne.statusCode());
    assertTrue(shortOne.body().contains("a password needs at least 10 characters, got 5"), shortOne.body());
    // Eve signs in; removing her ends her session at its next request.
    HttpResponse<String> eveIn = WEB.send("/login", loginCookie, Map.of("name", "eve", "password", "eve password 12", "csrf", token));
    assertEquals(303, eveIn.statusCode(), eveIn.body());
    String eve = WebFixture.cookie(eveIn, Auth.SESSION_COOKIE);
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/")).header("Cookie", eve).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> removed = WEB.send("/settings/users/remove", session, Map.of("name", "eve", "csrf", sessionToken));
    assertEquals(303, http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/")).header("Cookie", eve).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode(), "a removed user's session has ended");
    assertTrue(removed.body().contains("removed eve"), removed.body());
    // Behind a TLS proxy the session cookie is Secure.
    HttpResponse<String> form2 = http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/login")).header("X-Forwarded-Proto", "https").build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(form2.headers().allValues("Set-Cookie").stream().allMatch(c -> c.contains("; Secure")), form2.headers().allValues("Set-Cookie").toString());
    // The API still takes the admin key.
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/admin/segments")).header("Authorization", "Bearer " + WebFixture.ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, api.statusCode(), api.body());
    assertEquals(303, http.send(HttpRequest.newBuilder(URI.create(WEB.base() + "/segments")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
