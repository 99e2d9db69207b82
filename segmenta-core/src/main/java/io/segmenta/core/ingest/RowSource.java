package io.segmenta.core.ingest;

import java.nio.file.Path;
import java.util.List;

/** A file read as rows with named columns: CSV here, Parquet through a store adapter. */
public interface RowSource extends AutoCloseable {

  /** The file's name, as error messages show it. */
  String name();

  List<String> columns();

  /** The file read, when the rows come from one (reject files go beside it), or null. */
  default Path path() {
    return null;
  }

  /** The next row, or null at the end. Malformed input is an {@link ImportException}. */
  SourceRow next();

  /** How far reading has come, in the unit of {@link #size()} (bytes for files), for progress bars. */
  long position();

  /** The total to read, or -1 when unknown. */
  long size();

  @Override
  void close();
}
