package io.segmenta.cli;

import io.segmenta.core.ingest.Progress;
import java.io.PrintWriter;

/**
 * A progress bar on standard error: redrawn in place on a terminal, and on anything else (a pipe, a CI log) one
 * line per quarter so that logs stay readable.
 */
final class ProgressBar implements Progress {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean terminal;
  private String stage = "";
  private int lastQuarter = -1;
  private long lastDraw;

  ProgressBar(PrintWriter err) {
    this.err = err;
    this.terminal = System.console() != null;
  }

  @Override
  public void update(String stage, long done, long total) {
    if (!stage.equals(this.stage)) {
      finishLine();
      this.stage = stage;
      lastQuarter = -1;
    }
    double f = total > 0 ? Math.min(1, done / (double) total) : 0;
    if (terminal) {
      long now = System.nanoTime();
      if (f < 1 && now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      int filled = (int) Math.round(f * WIDTH);
      err.print("\r" + String.format("%-24s", trim(stage)) + " [" + "█".repeat(filled) + "·".repeat(WIDTH - filled) + "] "
          + String.format("%3d%%", Math.round(f * 100)) + (total > 0 ? "  " + human(done) + " / " + human(total) : ""));
      err.flush();
    } else {
      int q = (int) (f * 4);
      if (q != lastQuarter) {
        lastQuarter = q;
        err.println(trim(stage) + ": " + (q * 25) + "%");
        err.flush();
      }
    }
  }

  void finishLine() {
    if (terminal && !stage.isEmpty()) {
      err.println();
      err.flush();
    }
  }

  private static String trim(String s) {
    return s.length() > 24 ? s.substring(0, 23) + "…" : s;
  }

  private static String human(long bytes) {
    if (bytes < 1024 * 1024) {
      return (bytes / 1024) + " KB";
    }
    return String.format("%.1f MB", bytes / 1048576.0);
  }
}
