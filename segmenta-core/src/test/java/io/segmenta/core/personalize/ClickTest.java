package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClickTest {
  @Test
  void fromUrl_readsThePurposeOfAPage() {
    assertEquals(Click.Kind.DEALS, Click.Kind.fromUrl("https://shop.dk/tilbud/golf"));
    assertEquals(Click.Kind.DEALS, Click.Kind.fromUrl("https://shop.se/rea"));
    assertEquals(Click.Kind.DEALS, Click.Kind.fromUrl("https://shop.com/golf/clubs?sort=price_asc"));
    assertEquals(Click.Kind.REASSURANCE, Click.Kind.fromUrl("https://shop.no/kundeservice/frakt"));
    assertEquals(Click.Kind.REASSURANCE, Click.Kind.fromUrl("/help/returns-policy"));
    assertEquals(Click.Kind.COMPARE, Click.Kind.fromUrl("/compare?ids=1,2"));
    assertEquals(Click.Kind.CART, Click.Kind.fromUrl("/varukorg"));
    assertEquals(Click.Kind.SEARCH, Click.Kind.fromUrl("/products?q=driver"));
    assertEquals(Click.Kind.PAGE, Click.Kind.fromUrl("/about"));
    assertEquals(Click.Kind.PAGE, Click.Kind.fromUrl("not a url ::"));
  }

  @Test
  void of_productOrCategory_refinesAPlainPage() {
    Instant t = Instant.EPOCH;
    assertEquals(Click.Kind.PRODUCT, Click.of(t, null, "/p/123", "golf", "123").kind());
    assertEquals(Click.Kind.CATEGORY, Click.of(t, null, "/golf", "golf", null).kind());
    assertEquals(Click.Kind.DEALS, Click.of(t, "deals", "/p/123", "golf", "123").kind());
  }

  @Test
  void parse_unknownKind_namesTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Click.Kind.parse("wishlist"));
    assertEquals(true, e.getMessage().contains("'wishlist'") && e.getMessage().contains("reassurance"));
  }
}
