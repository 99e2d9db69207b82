package io.segmenta.core.ingest.csv;

import io.segmenta.core.ingest.ImportError;
import io.segmenta.core.ingest.ImportException;
import io.segmenta.core.ingest.RowSource;
import io.segmenta.core.ingest.SourceRow;
import io.segmenta.core.value.Value;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An RFC 4180 reader: any one-character separator, a configurable quote, doubled quotes inside quoted fields,
 * separators and line breaks inside quotes, CRLF or LF, UTF-8 (with or without BOM) or Latin-1, and gzip by file
 * name. Bytes that are not valid in the chosen encoding are an error naming the line, never silently replaced.
 * An empty cell reads as null. The separator {@link #WHITESPACE} splits on runs of spaces and tabs and ignores them
 * at the start and end of a line (fixed-width exports such as CDNOW's).
 */
public final class CsvSource implements RowSource {
  /** The separator value meaning "one or more spaces or tabs". */
  public static final char WHITESPACE = '\u0000';

  private final String name;
  private final BufferedReader reader;
  private final CountingStream counter;
  private final long size;
  private final char separator;
  private final char quote;
  private final List<String> columns;
  private final Path file;
  private final Charset charset;
  private long line = 1;
  private boolean eof;
  private final StringBuilder raw = new StringBuilder();
  private SourceRow pending;

  public CsvSource(Path file, char separator, char quote, Charset charset, boolean header) {
    this.name = file.getFileName().toString();
    this.file = file;
    this.charset = charset;
    this.separator = separator;
    this.quote = quote;
    try {
      this.size = Files.size(file);
      this.counter = new CountingStream(Files.newInputStream(file));
      InputStream in = name.endsWith(".gz") ? new GZIPInputStream(counter, 1 << 16) : counter;
      var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
      this.reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    } catch (IOException e) {
      throw new ImportException(new ImportError(name, 0, null, "cannot read the file: " + e.getMessage()));
    }
    List<String> first = header ? readRecord() : null;
    if (header) {
      if (first == null) {
        throw new ImportException(new ImportError(name, 1, null, "the file is empty; expected a header line"));
      }
      if (!first.isEmpty() && first.get(0) != null && first.get(0).startsWith("\uFEFF")) {
        first.set(0, first.get(0).substring(1));
      }
      List<String> cols = new ArrayList<>();
      for (int i = 0; i < first.size(); i++) {
        String c = first.get(i) == null ? "" : first.get(i).trim();
        cols.add(c.isEmpty() ? "column" + (i + 1) : c);
      }
      this.columns = List.copyOf(cols);
    } else {
      // Without a header the columns are named column1, column2, ... after the first row, which is kept.
      long start = line;
      List<String> rec = readRecord();
      List<String> cols = new ArrayList<>();
      for (int i = 0; rec != null && i < rec.size(); i++) {
        cols.add("column" + (i + 1));
      }
      this.columns = List.copyOf(cols);
      this.pending = rec == null ? null : row(start, rec);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Path path() {
    return file;
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public SourceRow next() {
    if (pending != null) {
      SourceRow r = pending;
      pending = null;
      return r;
    }
    long start = line;
    List<String> rec = readRecord();
    if (rec == null) {
      return null;
    }
    return row(start, rec);
  }

  private SourceRow row(long start, List<String> rec) {
    List<Value> cells = new ArrayList<>(rec.size());
    for (String s : rec) {
      cells.add(s == null || s.isEmpty() ? Value.NULL : new Value.Str(s));
    }
    return new SourceRow(start, cells, raw.toString());
  }

  /** Reads one record; null at the end of the file. Blank lines are skipped. */
  private List<String> readRecord() {
    if (eof) {
      return null;
    }
    raw.setLength(0);
    try {
      while (true) {
        long startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        boolean any = false;
        while (true) {
          int c = reader.read();
          if (c < 0) {
            eof = true;
            if (inQuotes) {
              throw new ImportException(new ImportError(name, startLine, null, "a quoted field opened on this line is never closed"));
            }
            if (!any) {
              return null;
            }
            if (separator != WHITESPACE || cell.length() > 0 || quoted) {
              fields.add(quoted ? cell.toString() : cell.length() == 0 ? null : cell.toString());
            }
            return fields.isEmpty() ? null : fields;
          }
          any = true;
          char ch = (char) c;
          if (ch != '\n' && ch != '\r') {
            raw.append(ch);
          }
          if (inQuotes) {
            if (ch == quote) {
              reader.mark(1);
              int n = reader.read();
              if (n == quote) {
                cell.append(quote);
                raw.append(quote);
              } else {
                inQuotes = false;
                if (n >= 0) {
                  reader.reset();
                }
              }
            } else {
              if (ch == '\n') {
                line++;
                raw.append(' ');
              }
              cell.append(ch);
            }
            continue;
          }
          if (ch == quote && cell.length() == 0 && !quoted) {
            inQuotes = true;
            quoted = true;
          } else if (separator == WHITESPACE && (ch == ' ' || ch == '\t')) {
            if (cell.length() > 0 || quoted) {
              fields.add(cell.toString());
              cell.setLength(0);
              quoted = false;
            }
          } else if (ch == separator) {
            fields.add(quoted ? cell.toString() : cell.length() == 0 ? null : cell.toString());
            cell.setLength(0);
            quoted = false;
          } else if (ch == '\r') {
            reader.mark(1);
            if (reader.read() != '\n') {
              reader.reset();
            }
            line++;
            break;
          } else if (ch == '\n') {
            line++;
            break;
          } else {
            cell.append(ch);
          }
        }
        if (separator != WHITESPACE || cell.length() > 0 || quoted) {
          fields.add(quoted ? cell.toString() : cell.length() == 0 ? null : cell.toString());
        }
        if (fields.isEmpty() || (fields.size() == 1 && fields.get(0) == null)) {
          raw.setLength(0);
          continue; // blank line
        }
        return fields;
      }
    } catch (CharacterCodingException e) {
      throw new ImportException(new ImportError(name, badLine(), null, "the bytes here are not valid " + charset.name()
          + (charset.equals(StandardCharsets.UTF_8) ? "; if the file is Latin-1, import it with --encoding latin-1" : "")));
    } catch (IOException e) {
      throw new ImportException(new ImportError(name, line, null, "cannot read the file: " + e.getMessage()));
    }
  }

  /** The line of the first byte that is not valid in the charset: a second pass, taken only on that error. */
  private long badLine() {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = new BufferedInputStream(name.endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
      var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer buf = ByteBuffer.allocate(8);
      CharBuffer out = CharBuffer.allocate(8);
      long lines = 1;
      int b;
      while ((b = in.read()) >= 0) {
        buf.put((byte) b);
        buf.flip();
        out.clear();
        var result = decoder.decode(buf, out, false);
        if (result.isError()) {
          return lines;
        }
        buf.compact();
        if (b == '\n') {
          lines++;
        }
      }
      return lines;
    } catch (IOException e) {
      return line;
    }
  }

  @Override
  public long position() {
    return counter.count;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // nothing was written; closing a reader has no consequence
    }
  }

  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
