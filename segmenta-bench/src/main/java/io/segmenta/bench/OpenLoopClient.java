package io.segmenta.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator over a fixed set of keep-alive connections: request i is due at
 * {@code start + i / rate} whether or not earlier ones have answered, waits in a queue while every connection is
 * busy, and its latency runs from when it was due to when its response was read. This is what wrk2 measures
 * (Gil Tene's coordinated-omission correction); wrk2 is not packaged here, and Java's HttpClient opens a new
 * connection for every request in flight, which measures the client's file limits rather than the server.
 */
final class OpenLoopClient {
  private final String host;
  private final int port;
  private final int connections;

  OpenLoopClient(String host, int port, int connections) {
    this.host = host;
    this.port = port;
    this.connections = connections;
  }

  /** One request's bytes (a full POST with headers). */
  static byte[] post(String host, int port, String path, String auth, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: " + auth
        + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + b.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }

  /** Sends {@code rate × seconds} requests (cycling through {@code requests}); returns latencies in ns and errors. */
  Result run(byte[][] requests, int rate, int seconds) throws InterruptedException {
    int n = rate * seconds;
    long[] latency = new long[n];
    AtomicLong errors = new AtomicLong();
    BlockingQueue<long[]> due = new ArrayBlockingQueue<>(n);
    CountDownLatch done = new CountDownLatch(connections);
    long start = System.nanoTime() + 100_000_000L;
    for (int c = 0; c < connections; c++) {
      Thread t = new Thread(() -> {
        try (Socket s = new Socket(host, port)) {
          s.setTcpNoDelay(true);
          OutputStream out = s.getOutputStream();
          InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
          while (true) {
            long[] job = due.take();
            if (job[0] < 0) {
              break;
            }
            int i = (int) job[0];
            out.write(requests[i % requests.length]);
            out.flush();
            int status = readResponse(in);
            latency[i] = System.nanoTime() - job[1];
            if (status != 200) {
              errors.incrementAndGet();
            }
          }
        } catch (IOException | InterruptedException e) {
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      }, "load-" + c);
      t.setDaemon(true);
      t.start();
    }
    for (int i = 0; i < n; i++) {
      long at = start + (long) (i * (1e9 / rate));
      long wait = at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      due.put(new long[] {i, at});
    }
    for (int c = 0; c < connections; c++) {
      due.put(new long[] {-1, 0});
    }
    done.await();
    return new Result(latency, errors.get(), start);
  }

  /** Latencies by request, errors, and the instant ({@link System#nanoTime}) request 0 was due: request i was due {@code i / rate} s later. */
  record Result(long[] latency, long errors, long start) {}

  /** Reads one response (status line, headers, a Content-Length or chunked body); returns the status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    int code = Integer.parseInt(status.substring(9, 12));
    int length = -1;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Integer.parseInt(h.substring(colon + 1).trim());
      } else if (name.equalsIgnoreCase("Transfer-Encoding") && h.toLowerCase().contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        skip(in, size);
        line(in);
      }
      line(in);
    } else if (length > 0) {
      skip(in, length);
    }
    return code;
  }

  private static void skip(InputStream in, int n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed mid-body");
        }
        k = 1;
      }
      n -= (int) k;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new UncheckedIOException(new IOException("connection closed"));
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
