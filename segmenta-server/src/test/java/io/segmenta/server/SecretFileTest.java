package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {
  record Pair(String name, String value) {}

  static final SecretFile.Format<Pair> PAIRS = new SecretFile.Format<>() {
    @Override
    public int fields() {
      return 2;
    }

    @Override
    public String expected() {
      return "name and value";
    }

    @Override
    public Pair parse(String[] f) {
      if (f[1].isEmpty()) {
        throw new IllegalArgumentException("the value of '" + f[0] + "' is empty");
      }
      return new Pair(f[0], f[1]);
    }

    @Override
    public List<String> format(Pair p) {
      return List.of(p.name(), p.value());
    }
  };

  @TempDir
  Path dir;

  SecretFile<Pair> file() {
    return new SecretFile<>(dir.resolve("s.tsv"), "# test pairs", PAIRS, Pair::name);
  }

  @Test
  void rows_withoutAFile_areEmpty() {
    assertEquals(Map.of(), file().rows());
  }

  @Test
  void write_thenRows_keepOrderAndOwnerOnly() throws Exception {
    SecretFile<Pair> f = file();
    f.write(List.of(new Pair("b", "2"), new Pair("a", "1")));
    assertEquals(List.of("b", "a"), List.copyOf(f.rows().keySet()));
    assertEquals("# test pairs\nb\t2\na\t1\n", Files.readString(f.file()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file())));
    assertTrue(Files.notExists(dir.resolve("s.tsv.tmp")));
  }

  @Test
  void rows_afterAnotherProcessEdits_areReadAgain() throws Exception {
    SecretFile<Pair> f = file();
    f.write(List.of(new Pair("a", "1")));
    assertEquals(1, f.rows().size());
    // Another writer (the CLI while the server runs): a longer file, so the size differs even within one clock tick.
    Files.writeString(f.file(), "# edited\na\t1\nc\t3\n", StandardCharsets.UTF_8);
    assertEquals(new Pair("c", "3"), f.rows().get("c"));
  }

  @Test
  void rows_withABadLine_nameTheFileAndLine() throws Exception {
    Files.writeString(dir.resolve("s.tsv"), "# x\na\t1\nb 2\n", StandardCharsets.UTF_8);
    StoreException e = assertThrows(StoreException.class, () -> file().rows());
    assertTrue(e.getMessage().contains("s.tsv line 3: expected name and value separated by tabs, got 1 field"), e.getMessage());
    Files.writeString(dir.resolve("s.tsv"), "# x\na\t\n", StandardCharsets.UTF_8);
    StoreException empty = assertThrows(StoreException.class, () -> file().rows());
    assertTrue(empty.getMessage().contains("line 2: the value of 'a' is empty"), empty.getMessage());
  }

  @Test
  void write_fieldWithATabOrLineBreak_isRefusedAndTheFileKept() throws Exception {
    SecretFile<Pair> f = file();
    f.write(List.of(new Pair("a", "1")));
    assertThrows(IllegalArgumentException.class, () -> f.write(List.of(new Pair("a", "1\t2"))));
    assertThrows(IllegalArgumentException.class, () -> f.write(List.of(new Pair("a\nb", "1"))));
    assertEquals(Map.of("a", new Pair("a", "1")), f.rows());
  }
}
