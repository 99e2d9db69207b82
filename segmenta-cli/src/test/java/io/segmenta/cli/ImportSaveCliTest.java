package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import} of files as they are (rejects beside the input, never over it) and {@code segment save --file}. */
class ImportSaveCliTest {
  @TempDir
  Path dir;

  record Result(int code, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--threads", "1", "--memory-limit", "512MB"));
    int code = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  Path write(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void import_rejectsGoBesideTheInputAndNeverOverIt() throws Exception {
    String csv = "customer,day\nc1,2024-01-01\nc2,someday\nc1,2024-01-01\n";
    Path f = write("in/visits.csv", csv);
    Result refused = run("import", f.toString(), "--map", "target=events", "--map", "profile=customer", "--map", "timestamp=day",
        "--map", "const.type=page_view", "--skip-bad-rows", "--rejects", f.toString());
    assertEquals(2, refused.code(), refused.out());
    assertTrue(refused.err().contains("is the file being imported"), refused.err());
    assertEquals(csv, Files.readString(f), "the input is untouched");
    Result r = run("import", f.toString(), "--map", "target=events", "--map", "profile=customer", "--map", "timestamp=day",
        "--map", "const.type=page_view", "--skip-bad-rows");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("3 rows read, 2 imported, 1 rejected"), r.out());
    assertTrue(r.out().contains("events: 2 new, 0 already stored"), "identical rows on two lines are two events: " + r.out());
    assertTrue(Files.readString(dir.resolve("in/visits.csv.rejects.csv")).contains("c2,someday"));
    assertEquals(csv, Files.readString(f));
  }

  @Test
  void import_repeatedIdsAreReportedWithLines() throws Exception {
    Path f = write("orders.csv", "id,customer,at\no1,c1,2024-01-01\no1,c1,2024-01-02\n");
    Result r = run("import", f.toString(), "--map", "target=events", "--map", "id=id", "--map", "profile=customer", "--map", "timestamp=at",
        "--map", "type=order");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("rows treated as duplicates (an earlier row of the file has the same event id): 1, e.g.\n    line 3 has the id of line 2 (o1)"), r.out());
  }

  @Test
  void saveFile_savesEverySegmentInOneCall() throws Exception {
    Path people = write("people.csv", "id,age,mail\na,20,a@gmail.com\nb,40,\nc,60,c@example.com\n");
    assertEquals(0, run("import", people.toString(), "--map", "target=profiles", "--map", "id=id", "--map", "trait.age=age",
        "--map", "identifier.email=mail").code());
    StringBuilder file = new StringBuilder("# thirteen segments, the last ones built on the first\n");
    for (int i = 0; i < 10; i++) {
      file.append("age-").append(i).append(": age >= ").append(i * 10).append('\n');
    }
    file.append("gmail: identifier.email matches \"@gmail\\\\.com$\"\n");
    file.append("no-mail: identifier.email missing\n");
    file.append("old-with-mail: segment \"age-5\"\n  and not segment \"no-mail\"\n");
    Path segments = write("segments.txt", file.toString());
    Result r = run("segment", "save", "--file", segments.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("saved 13 segments from segments.txt"), r.out());
    Result list = run("segment", "list", "--as-of", "2025-01-01");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().matches("(?s).*gmail\\s+1\\s.*"), list.out());
    assertTrue(list.out().matches("(?s).*no-mail\\s+1\\s.*"), list.out());
    assertTrue(list.out().matches("(?s).*old-with-mail\\s+1\\s.*"), list.out());
    // The list counts every segment in one scan; each size must be what counting that segment alone gives.
    for (int i = 0; i < 10; i++) {
      Result one = run("segment", "count", "age-" + i, "--as-of", "2025-01-01");
      long alone = Long.parseLong(one.out().substring(0, one.out().indexOf(' ')).replace(",", ""));
      assertTrue(list.out().matches("(?s).*\\bage-" + i + "\\s+" + alone + "\\s.*"), "age-" + i + " alone: " + one.out() + "\n" + list.out());
    }
  }

  @Test
  void saveFile_anErrorNamesTheLineAndSavesNothing() throws Exception {
    Path segments = write("segments.txt", "adults: age >= 18\nkids: age < 18\nbad: cuntry = \"DK\"\n");
    Result r = run("segment", "save", "--file", segments.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("segments.txt:3, column 6: segment 'bad': unknown trait 'cuntry' (did you mean 'country'?)"), r.err());
    Result cycle = run("segment", "save", "--file", write("cycle.txt", "a: segment \"b\"\nb: segment \"a\"\n").toString());
    assertEquals(2, cycle.code());
    assertTrue(cycle.err().contains("cycle.txt:1, column 4: segment 'a': segment 'b' cannot be used"), cycle.err());
    Result list = run("segment", "list");
    assertFalse(list.out().contains("adults"), "nothing is saved when one rule is wrong: " + list.out());
    Result both = run("segment", "save", "x", "age > 1", "--file", segments.toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("give NAME RULE or --file FILE, not both"), both.err());
  }
}
