package dev.ctx4j.spring.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** HTTP/1.1 over a plain socket, for closing connections and pipelining on purpose. */
final class RawHttp {
  private RawHttp() {}

  static String get(String path, String... headerLines) {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  static Socket send(int port, String... requests) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(30_000);
    write(s, requests);
    return s;
  }

  static void write(Socket s, String... requests) throws IOException {
    StringBuilder all = new StringBuilder();
    for (String r : requests) {
      all.append(r);
    }
    s.getOutputStream().write(all.toString().getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** One response: status line, headers and body (Content-Length or chunked). */
  record Response(int status, String head, String body) {}

  static Response read(InputStream in) throws IOException {
    String head = line(in);
    if (head == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(head.split(" ")[1]);
    StringBuilder headers = new StringBuilder(head).append('\n');
    long length = -1;
    boolean chunked = false;
    String l;
    while ((l = line(in)) != null && !l.isEmpty()) {
      headers.append(l).append('\n');
      String lower = l.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(l.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      while (true) {
        int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
        if (size == 0) {
          line(in);
          break;
        }
        body.write(in.readNBytes(size));
        line(in);
      }
    } else if (length > 0) {
      body.write(in.readNBytes((int) length));
    }
    return new Response(status, headers.toString(), body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.isEmpty() ? null : sb.toString();
  }
}
