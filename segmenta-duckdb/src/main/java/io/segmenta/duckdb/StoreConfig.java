package io.segmenta.duckdb;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.UserException;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the embedded store keeps its one database file, and how much of the machine DuckDB may use.
 *
 * <p>Resolution, each overriding the one before: defaults ({@code ~/.segmenta}, a quarter of physical memory
 * capped at 8 GB, every core), then {@code segmenta.properties} in the data directory ({@code memory_limit},
 * {@code threads}), then the environment ({@code SEGMENTA_DATA_DIR}, {@code SEGMENTA_MEMORY_LIMIT},
 * {@code SEGMENTA_THREADS}), then command-line flags.
 */
public record StoreConfig(Path dataDir, String memoryLimit, int threads) {
  public static final String DATABASE_FILE = "segmenta.duckdb";

  public StoreConfig {
    checkArgument(dataDir != null, "data directory must be given");
    checkArgument(memoryLimit != null && memoryLimit.matches("(?i)\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)"),
        "memory limit must look like 4GB or 512MB, got '%s'", memoryLimit);
    checkArgument(threads >= 1 && threads <= 1024, "threads must be between 1 and 1024, got %s", threads);
  }

  public Path databaseFile() {
    return dataDir.resolve(DATABASE_FILE);
  }

  public static StoreConfig at(Path dataDir) {
    return resolve(dataDir, null, null, Map.of());
  }

  /** Resolves the configuration; null arguments mean "not given on the command line". */
  public static StoreConfig resolve(Path dataDirFlag, String memoryFlag, Integer threadsFlag, Map<String, String> env) {
    Path dir = dataDirFlag != null ? dataDirFlag
        : env.get("SEGMENTA_DATA_DIR") != null ? Path.of(env.get("SEGMENTA_DATA_DIR"))
        : Path.of(System.getProperty("user.home"), ".segmenta");
    long physical = physicalMemory(Runtime.getRuntime().maxMemory() * 4);
    long quarterMb = Math.max(512, Math.min(8192, physical / 4 / (1024 * 1024)));
    String memory = quarterMb + "MB";
    int threads = Runtime.getRuntime().availableProcessors();
    Path props = dir.resolve("segmenta.properties");
    if (Files.isRegularFile(props)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new UserException("cannot read " + props + ": " + e.getMessage());
      }
      memory = p.getProperty("memory_limit", memory).trim();
      threads = parseThreads(p.getProperty("threads", Integer.toString(threads)), props.toString());
    }
    if (env.get("SEGMENTA_MEMORY_LIMIT") != null) {
      memory = env.get("SEGMENTA_MEMORY_LIMIT").trim();
    }
    if (env.get("SEGMENTA_THREADS") != null) {
      threads = parseThreads(env.get("SEGMENTA_THREADS"), "SEGMENTA_THREADS");
    }
    if (memoryFlag != null) {
      memory = memoryFlag.trim();
    }
    if (threadsFlag != null) {
      threads = threadsFlag;
    }
    try {
      return new StoreConfig(dir.toAbsolutePath().normalize(), memory, threads);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  private static int parseThreads(String s, String where) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new UserException(where + ": threads must be a whole number, got '" + s + "'");
    }
  }

  private static long physicalMemory(long fallback) {
    try {
      var os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean b) {
        return b.getTotalMemorySize();
      }
    } catch (RuntimeException | LinkageError e) {
      return fallback;
    }
    return fallback;
  }
}
