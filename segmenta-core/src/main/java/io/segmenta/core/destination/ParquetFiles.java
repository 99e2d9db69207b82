package io.segmenta.core.destination;

import java.nio.file.Path;

/**
 * Writes Parquet files for file destinations: the engine converts a CSV with a header line (every column text) into
 * Parquet, so that the server, which knows no engine, can write Parquet through the store it is handed.
 */
@FunctionalInterface
public interface ParquetFiles {
  /** Writes {@code parquet} from {@code csv}; a failure is a {@code StoreException} naming the file. */
  void fromCsv(Path csv, Path parquet);
}
