package io.segmenta.core.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The platforms' own documentation examples as golden values. */
class NormaliserTest {
  private final GoogleNormaliser google = new GoogleNormaliser(null);
  private final MetaNormaliser meta = new MetaNormaliser(null);

  // Google's Data Manager quickstart: the sample file, its formatted form and its hex-encoded SHA-256 hashes.
  @Test
  void googleEmail_quickstartSamples() {
    assertEquals("07e2f1394b0ea80e2adca010ea8318df697001a005ba7452720edda4b0ce57b3", hashG("dana@example.com"));
    assertEquals("1df6b43bc68dd38eca94e6a65b4f466ae537b796c81a526918b40ac4a7b906c7", hashG("DanaM@example.com"));
    assertEquals("2ef46c4214c3fc1b277a2d976d55194e12b899aa50d721f28da858c7689756e3", hashG("ALEXJ@example.com"));
    assertTrue(hashG(" AlexJ@cymbalgroup.com").startsWith("54e410b14fa652a4b49b43aff6eaf92ad680d4d1e5e62ed71b86c"));
    assertEquals(Optional.of("baklavainthebalkans@gmail.com"), google.email("baklavainthebalkans@gmail.com  "));
    assertEquals(Optional.of("cloudysanfrancisco@gmail.com"), google.email("cloudySanFrancisco@GMAIL.com"));
  }

  // Google's "Format user data": dots and +tags go for gmail.com and googlemail.com only.
  @Test
  void googleEmail_gmailDotsAndTagsOnlyForGmail() {
    assertEquals(Optional.of("cloudysanfrancisco@gmail.com"), google.email("cloudy.sanfrancisco+shopping@gmail.com"));
    assertEquals(Optional.of("user.name+nyc@example.com"), google.email("user.name+NYC@Example.com"));
    assertEquals(Optional.of("abc@googlemail.com"), google.email("a.b.c+x+y@googlemail.com"));
    assertEquals(Optional.of("a.b@gmail.co"), google.email("A.B@gmail.co"));
  }

  @Test
  void googlePhone_e164WithPlus() {
    assertEquals(Optional.of("+18005550100"), new GoogleNormaliser("1").phone("(800)555-0100"));
    assertEquals(Optional.of("+18005550100"), google.phone("+1 800 555 0100"));
    assertEquals(Optional.of("+4512345678"), new GoogleNormaliser("45").phone("12 34 56 78"));
    assertEquals(Optional.of("+4512345678"), google.phone("0045 12345678"));
  }

  // Meta's customer-list guide: "1-234-567-8910", "12345678910", "+44 844 412 4653"; digits with the country code, no "+".
  @Test
  void metaPhone_guideExamples() {
    assertEquals(Optional.of("12345678910"), meta.phone("1-234-567-8910"));
    assertEquals(Optional.of("12345678910"), meta.phone("12345678910"));
    assertEquals(Optional.of("448444124653"), meta.phone("+44 844 412 4653"));
    assertEquals(Optional.of("448444124653"), new MetaNormaliser("44").phone("0844 412 4653"));
    assertEquals(Digests.sha256Hex("448444124653"), MetaNormaliser.hash(meta.phone("+44 844 412 4653").orElseThrow()));
    assertEquals(Optional.empty(), meta.phone("1-800-FLOWERS"));
    assertEquals(Optional.empty(), meta.phone("123"));
  }

  // Meta: trim, lower case; the guide's examples are accepted as they are.
  @Test
  void metaEmail_trimmedLowerCase() {
    assertEquals(Optional.of("your.name@gmail.com"), meta.email("  Your.Name@Gmail.com "));
    assertEquals(Optional.of("username@hotmail.co.uk"), meta.email("username@hotmail.co.uk"));
    assertEquals(Optional.empty(), meta.email("not an address"));
    assertEquals(Optional.empty(), meta.email("@x.com"));
  }

  @Test
  void metaFields_lowerCaseNoPunctuation() {
    assertEquals(Optional.of("mary"), meta.name("Mary"));
    assertEquals(Optional.of("valéry"), meta.name("Valéry"));
    assertEquals(Optional.of("obrien"), meta.name("O'Brien"));
    assertEquals(Optional.of("menlopark"), meta.city("Menlo Park"));
    assertEquals(Optional.of("94025"), meta.zip("94025-1234", "US"));
    assertEquals(Optional.of("sw1a1aa"), meta.zip("SW1A 1AA", "GB"));
    assertEquals(Optional.of("us"), meta.country(" US "));
    assertEquals(Optional.empty(), meta.country("United States"));
    assertEquals(Optional.of("f"), meta.gender("Female"));
  }

  // Mailchimp's example: the member id of Urist.McVankab@freddiesjokes.com.
  @Test
  void mailchimpMemberId_docsExample() {
    assertEquals(Optional.of("62eeb292278cc15f5817cb78f7790b08"), MailchimpHash.memberId("Urist.McVankab@freddiesjokes.com"));
    assertEquals(Optional.of("62eeb292278cc15f5817cb78f7790b08"), MailchimpHash.memberId(" urist.mcvankab@freddiesjokes.com "));
    assertEquals(Optional.empty(), MailchimpHash.memberId("urist"));
  }

  @Test
  void callingCode_refusedWhenNotDigits() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MetaNormaliser("+45"));
    assertTrue(e.getMessage().contains("default_calling_code") && e.getMessage().contains("+45"), e.getMessage());
  }

  private String hashG(String raw) {
    return GoogleNormaliser.hash(google.email(raw).orElseThrow());
  }

  // Meta's additional identifiers of the customer-list file: dob as YYYYMMDD, doby as YYYY, gen as m or f, st and ct
  // lower case without punctuation or spaces, age in whole years.
  @Test
  void metaAdditionalIdentifiers_normalisedAsTheGuideSays() {
    assertEquals("19970216", MetaNormaliser.dateOfBirth(LocalDate.of(1997, 2, 16)));
    assertEquals("1997", MetaNormaliser.yearOfBirth(LocalDate.of(1997, 2, 16)));
    assertEquals(Optional.of("f"), meta.gender("F"));
    assertEquals(Optional.of("m"), meta.gender("Male"));
    assertEquals(Optional.of("newyork"), meta.state("New York"));
    assertEquals(Optional.of("ny"), meta.state("NY"));
    assertEquals(Optional.of("35"), meta.age(35.7));
    assertEquals(Optional.empty(), meta.age(-1));
    assertEquals(Optional.empty(), meta.age(Double.NaN));
  }
}
