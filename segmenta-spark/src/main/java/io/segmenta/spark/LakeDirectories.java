package io.segmenta.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Replaces a table directory of the lake whole: Spark writes the new files into {@code DIR/_staging/} (a directory
 * readers skip, as Spark and Hive skip names starting with {@code _}), which then takes the old directory's place by
 * two renames. Why: a reader (or this run, which may read the old table while writing
 * the new one, as a recompute reads the history it replaces) never sees half a table, and Spark cannot overwrite a
 * directory it is reading from. The lake is a directory the driver sees (a local or network file system).
 */
final class LakeDirectories {
  private LakeDirectories() {}

  /** Writes {@code rows} as the Parquet table {@code target} of the lake {@code lake}, replacing what was there. */
  static void replace(Dataset<Row> rows, Path lake, Path target) {
    Path tmp = staging(lake, target);
    rows.write().mode(SaveMode.Overwrite).parquet(tmp.toString());
    swap(tmp, target);
  }

  /** A fresh directory to write {@code target}'s new files into: {@code _staging/memberships.vip} for {@code memberships/vip}. */
  static Path staging(Path lake, Path target) {
    Path tmp = lake.resolve("_staging").resolve(lake.relativize(target).toString().replace(target.getFileSystem().getSeparator(), "."));
    delete(tmp);
    return tmp;
  }

  /** Moves {@code staged} to {@code target}, the old target aside first and deleted after. */
  static void swap(Path staged, Path target) {
    Path old = staged.resolveSibling(staged.getFileName() + ".old");
    try {
      delete(old);
      Files.createDirectories(target.getParent());
      if (Files.exists(target)) {
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      delete(old);
    } catch (IOException e) {
      throw new UncheckedIOException("could not replace " + target, e);
    }
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
