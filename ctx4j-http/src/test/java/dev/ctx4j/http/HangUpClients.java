package dev.ctx4j.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * The clients of {@link HangUpsFaultsTest}, in a process of their own (10,000 connections need
 * 10,000 descriptors on each side, more than one process may hold here). Opens {@code n} HTTP/1.1
 * connections to {@code 127.0.0.1:port}, each sending {@code GET /i}; prints {@code open} and waits
 * for a line on stdin; then closes the {@link #hangUps seeded half} as fast as it can, printing
 * {@code closed i nanoTime} for each (the clock taken just before the close; {@code
 * System.nanoTime} is the machine's monotonic clock on Linux, so the test's stamps compare); then
 * reads the other half's status lines, printing {@code answered i status}, and {@code done}.
 */
public final class HangUpClients {
  private HangUpClients() {}

  /** The connections that hang up: a seeded random half of {@code n}. */
  static BitSet hangUps(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    BitSet half = new BitSet(n);
    for (int i = 0; i < n / 2; i++) {
      half.set(order[i]);
    }
    return half;
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Socket[] sockets = new Socket[n];
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
      s.setSoTimeout(120_000);
      s.getOutputStream()
          .write(TestServer.requestText("/" + i).getBytes(StandardCharsets.ISO_8859_1));
      sockets[i] = s;
    }
    out.println("open");
    out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (in.readLine() == null) {
      return; // the test gave up
    }
    BitSet half = hangUps(n, seed);
    long[] closedAt = new long[n];
    for (int i = half.nextSetBit(0); i >= 0; i = half.nextSetBit(i + 1)) {
      closedAt[i] = System.nanoTime();
      sockets[i].close();
    }
    for (int i = half.nextSetBit(0); i >= 0; i = half.nextSetBit(i + 1)) {
      out.println("closed " + i + " " + closedAt[i]);
    }
    out.flush();
    if (in.readLine() == null) { // the test releases the others once the hang-ups are counted
      return;
    }
    for (int i = half.nextClearBit(0); i < n; i = half.nextClearBit(i + 1)) {
      String status;
      try (Socket s = sockets[i]) {
        status = statusLine(s.getInputStream());
      } catch (IOException e) {
        status = "failed:" + e;
      }
      out.println("answered " + i + " " + status.replace(' ', '_'));
    }
    out.println("done");
    out.flush();
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\r') {
      sb.append((char) c);
    }
    return sb.isEmpty() ? "eof" : sb.toString();
  }
}
