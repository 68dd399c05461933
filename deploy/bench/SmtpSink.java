/*
 * A fast counting SMTP sink for the throughput benchmark, and a load client to measure it.
 *
 *   java deploy/bench/SmtpSink.java [--port 2525] [--control-port 0] [--host 127.0.0.1]
 *   java deploy/bench/SmtpSink.java --check --port P [--control-port C] [--connections 8]
 *        [--messages 200000] [--pipelining] [--size 6000]
 *
 * Sink: speaks enough ESMTP for the Vert.x mail client (EHLO advertising PIPELINING, 8BITMIME
 * and SIZE; HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, VRFY, QUIT; no AUTH, no
 * STARTTLS), one thread per connection with buffered I/O. Pipelined commands are answered in
 * order, and answers are flushed only when the client has sent nothing more, so a pipelined
 * group costs one write. It accepts every message, stores no body, and counts messages,
 * recipients, bytes, distinct Message-ID header values and repeated ones. Its first line on
 * standard output is "smtp-sink listening smtp=<port> control=<port>".
 *
 * Control port: connect, send one line, read one line of JSON, the connection closes.
 *   stats         {"messages":..,"recipients":..,"distinctMessageIds":..,"duplicateMessageIds":..,
 *                  "withoutMessageId":..,"bytes":..,"connections":..,"open":..,"firstAtMillis":..,"lastAtMillis":..}
 *                 (connections: accepted since start or reset; open: open now)
 *   reset         the same figures, then every count and the Message-ID set are cleared
 *   ids <path>    writes every distinct Message-ID to the file, one a line; {"written":N}
 *
 * Check (client) mode: CONNECTIONS threads, one SMTP connection each, send MESSAGES messages of
 * about SIZE bytes with distinct Message-IDs, one recipient each; with --pipelining, MAIL, RCPT
 * and DATA go in one write (RFC 2920), else each command waits for its answer (as a client that
 * does not pipeline). Prints messages/s, and the sink's own counts when --control-port is given.
 * JDK classes only; Java 17 single-file source launch.
 */

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

public class SmtpSink {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final String EHLO = "250-smtp-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 104857600\r\n"
            + "250 ENHANCEDSTATUSCODES\r\n";

    final AtomicLong messages = new AtomicLong();
    final AtomicLong recipients = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong withoutId = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong open = new AtomicLong();
    final AtomicLong firstAt = new AtomicLong();
    final AtomicLong lastAt = new AtomicLong();
    volatile Set<String> ids = ConcurrentHashMap.newKeySet(1 << 16);

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        if (options.containsKey("check")) {
            Check.run(options);
            return;
        }
        String host = options.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "2525"));
        int controlPort = Integer.parseInt(options.getOrDefault("control-port", "0"));
        new SmtpSink().serve(host, port, controlPort);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(name, args[++i]);
            } else {
                options.put(name, "true");
            }
        }
        return options;
    }

    void serve(String host, int port, int controlPort) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        ServerSocket smtp = new ServerSocket();
        smtp.setReuseAddress(true);
        smtp.bind(new InetSocketAddress(address, port), 1024);
        ServerSocket control = new ServerSocket();
        control.setReuseAddress(true);
        control.bind(new InetSocketAddress(address, controlPort), 64);
        System.out.println("smtp-sink listening smtp=" + smtp.getLocalPort() + " control=" + control.getLocalPort());
        System.out.flush();
        Thread controller = new Thread(() -> {
            while (true) {
                try (Socket socket = control.accept()) {
                    control(socket);
                } catch (IOException e) {
                    System.err.println("control: " + e);
                }
            }
        }, "control");
        controller.setDaemon(true);
        controller.start();
        while (true) {
            Socket socket = smtp.accept();
            connections.incrementAndGet();
            open.incrementAndGet();
            Thread thread = new Thread(() -> session(socket), "smtp-" + socket.getPort());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void control(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        LineReader in = new LineReader(socket.getInputStream());
        String line = in.readLine();
        String command = line == null ? "stats" : line.trim();
        String answer;
        if (command.equals("stats")) {
            answer = stats();
        } else if (command.equals("reset")) {
            synchronized (this) {
                answer = stats();
                ids = ConcurrentHashMap.newKeySet(1 << 16);
                for (AtomicLong counter : List.of(messages, recipients, duplicates, withoutId, bytes, connections,
                        firstAt, lastAt)) {
                    counter.set(0);
                }
            }
        } else if (command.startsWith("ids ")) {
            Path path = Path.of(command.substring(4).trim());
            List<String> all = new ArrayList<>(ids);
            Files.write(path, all, StandardCharsets.UTF_8);
            answer = "{\"written\":" + all.size() + "}";
        } else {
            answer = "{\"error\":\"unknown command\"}";
        }
        OutputStream out = socket.getOutputStream();
        out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String stats() {
        return "{\"messages\":" + messages.get() + ",\"recipients\":" + recipients.get()
                + ",\"distinctMessageIds\":" + ids.size() + ",\"duplicateMessageIds\":" + duplicates.get()
                + ",\"withoutMessageId\":" + withoutId.get() + ",\"bytes\":" + bytes.get()
                + ",\"connections\":" + connections.get() + ",\"open\":" + open.get() + ",\"firstAtMillis\":" + firstAt.get()
                + ",\"lastAtMillis\":" + lastAt.get() + "}";
    }

    private void session(Socket socket) {
        try (socket; Closeable counted = open::decrementAndGet) {
            socket.setTcpNoDelay(true);
            LineReader in = new LineReader(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            reply(out, "220 smtp-sink ESMTP ready\r\n");
            out.flush();
            boolean mail = false;
            int rcpts = 0;
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String verb = verb(line);
                switch (verb) {
                    case "EHLO" -> reply(out, EHLO);
                    case "HELO" -> reply(out, "250 smtp-sink\r\n");
                    case "MAIL" -> {
                        mail = true;
                        rcpts = 0;
                        reply(out, "250 2.1.0 Ok\r\n");
                    }
                    case "RCPT" -> {
                        if (!mail) {
                            reply(out, "503 5.5.1 Error: need MAIL command\r\n");
                        } else {
                            rcpts++;
                            reply(out, "250 2.1.5 Ok\r\n");
                        }
                    }
                    case "DATA" -> {
                        if (rcpts == 0) {
                            reply(out, "503 5.5.1 Error: need RCPT command\r\n");
                        } else {
                            reply(out, "354 End data with <CR><LF>.<CR><LF>\r\n");
                            out.flush();
                            long n = data(in);
                            if (n < 0) {
                                return;
                            }
                            recipients.addAndGet(rcpts);
                            long count = messages.incrementAndGet();
                            long now = System.currentTimeMillis();
                            firstAt.compareAndSet(0, now);
                            lastAt.set(now);
                            reply(out, "250 2.0.0 Ok: queued as " + count + "\r\n");
                            mail = false;
                            rcpts = 0;
                        }
                    }
                    case "RSET" -> {
                        mail = false;
                        rcpts = 0;
                        reply(out, "250 2.0.0 Ok\r\n");
                    }
                    case "NOOP" -> reply(out, "250 2.0.0 Ok\r\n");
                    case "VRFY" -> reply(out, "252 2.0.0 Cannot VRFY\r\n");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye\r\n");
                        out.flush();
                        return;
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized\r\n");
                }
                // Pipelining: answer everything the client has sent, in order, then write once.
                if (!in.hasMore()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String verb(String line) {
        int end = line.indexOf(' ');
        String verb = end < 0 ? line : line.substring(0, end);
        return verb.toUpperCase(java.util.Locale.ROOT);
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads a message up to CRLF.CRLF; the size in bytes after dot-unstuffing, or -1 at end of input. */
    private long data(LineReader in) throws IOException {
        long size = 0;
        boolean headers = true;
        String messageId = null;
        boolean inMessageId = false;
        while (true) {
            int length = in.readRaw();
            if (length < 0) {
                return -1;
            }
            byte[] buffer = in.line;
            int start = 0;
            if (length == 1 && buffer[0] == '.') {
                break;
            }
            if (length > 0 && buffer[0] == '.') {
                start = 1;
            }
            size += length - start + 2;
            if (headers) {
                if (length - start == 0) {
                    headers = false;
                } else if (inMessageId && (buffer[start] == ' ' || buffer[start] == '\t')) {
                    messageId = messageId + new String(buffer, start, length - start, StandardCharsets.UTF_8).trim();
                } else {
                    inMessageId = false;
                    if (length - start > 11 && regionMatchesIgnoreCase(buffer, start, "message-id:")) {
                        messageId = new String(buffer, start + 11, length - start - 11, StandardCharsets.UTF_8).trim();
                        inMessageId = true;
                    }
                }
            }
        }
        bytes.addAndGet(size);
        if (messageId == null || messageId.isEmpty()) {
            withoutId.incrementAndGet();
        } else if (!ids.add(messageId)) {
            duplicates.incrementAndGet();
        }
        return size;
    }

    private static boolean regionMatchesIgnoreCase(byte[] buffer, int start, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = buffer[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Lines ending in CRLF (a bare LF is taken as an end of line too) from a buffered stream. */
    static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[65536];
        private int position;
        private int limit;
        byte[] line = new byte[1024];

        LineReader(InputStream in) {
            this.in = in;
        }

        boolean hasMore() throws IOException {
            return position < limit || in.available() > 0;
        }

        String readLine() throws IOException {
            int length = readRaw();
            return length < 0 ? null : new String(line, 0, length, StandardCharsets.UTF_8);
        }

        /** The next line into {@link #line} without its end; its length, or -1 at end of input. */
        int readRaw() throws IOException {
            int length = 0;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return -1;
                    }
                }
                int i = position;
                while (i < limit && buffer[i] != '\n') {
                    i++;
                }
                int chunk = i - position;
                if (length + chunk > line.length) {
                    line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
                }
                System.arraycopy(buffer, position, line, length, chunk);
                length += chunk;
                if (i < limit) {
                    position = i + 1;
                    if (length > 0 && line[length - 1] == '\r') {
                        length--;
                    }
                    return length;
                }
                position = limit;
            }
        }
    }

    /** The load client: how many messages a second the sink takes. */
    static final class Check {

        static void run(Map<String, String> options) throws Exception {
            String host = options.getOrDefault("host", "127.0.0.1");
            int port = Integer.parseInt(options.getOrDefault("port", "2525"));
            int connections = Integer.parseInt(options.getOrDefault("connections", "8"));
            long total = Long.parseLong(options.getOrDefault("messages", "200000"));
            int size = Integer.parseInt(options.getOrDefault("size", "6000"));
            boolean pipelining = options.containsKey("pipelining");
            String run = Long.toHexString(System.nanoTime());
            StringBuilder body = new StringBuilder();
            while (body.length() < size) {
                body.append("<p>An event line of a digest, as the worker renders it; .dots. and more.</p>\r\n");
                body.append(".a line that starts with a dot, stuffed\r\n");
            }
            String text = body.toString().replace("\r\n.", "\r\n..");
            long[] sent = new long[connections];
            Throwable[] failures = new Throwable[connections];
            Thread[] threads = new Thread[connections];
            long started = System.nanoTime();
            for (int c = 0; c < connections; c++) {
                int index = c;
                long count = total / connections + (c < total % connections ? 1 : 0);
                threads[c] = new Thread(() -> {
                    try {
                        sent[index] = client(host, port, run + "." + index, count, text, pipelining);
                    } catch (Throwable e) {
                        failures[index] = e;
                    }
                });
                threads[c].start();
            }
            long done = 0;
            for (int c = 0; c < connections; c++) {
                threads[c].join();
                done += sent[c];
                if (failures[c] != null) {
                    System.err.println("connection " + c + " failed: " + failures[c]);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(java.util.Locale.ROOT,
                    "{\"messages\":%d,\"seconds\":%.3f,\"perSecond\":%.0f,\"connections\":%d,\"pipelining\":%s,"
                            + "\"bytesPerMessage\":%d}%n",
                    done, seconds, done / seconds, connections, pipelining, text.length());
            if (options.containsKey("control-port")) {
                try (Socket socket = new Socket(host, Integer.parseInt(options.get("control-port")))) {
                    socket.getOutputStream().write("stats\n".getBytes(StandardCharsets.US_ASCII));
                    System.out.println(new LineReader(socket.getInputStream()).readLine());
                }
            }
            for (Throwable failure : failures) {
                if (failure != null) {
                    System.exit(1);
                }
            }
        }

        private static long client(String host, int port, String prefix, long count, String text, boolean pipelining)
                throws IOException {
            try (Socket socket = new Socket(host, port)) {
                socket.setTcpNoDelay(true);
                LineReader in = new LineReader(socket.getInputStream());
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
                expect(in, "220");
                write(out, "EHLO check.local\r\n");
                out.flush();
                String line;
                do {
                    line = in.readLine();
                } while (line != null && line.startsWith("250-"));
                for (long i = 0; i < count; i++) {
                    String id = "<" + prefix + "." + i + "@check.local>";
                    if (pipelining) {
                        write(out, "MAIL FROM:<digest@check.local>\r\nRCPT TO:<r" + i + "@check.local>\r\nDATA\r\n");
                        out.flush();
                        expect(in, "250");
                        expect(in, "250");
                        expect(in, "354");
                    } else {
                        command(in, out, "MAIL FROM:<digest@check.local>\r\n", "250");
                        command(in, out, "RCPT TO:<r" + i + "@check.local>\r\n", "250");
                        command(in, out, "DATA\r\n", "354");
                    }
                    write(out, "From: digest@check.local\r\nTo: r" + i + "@check.local\r\nSubject: check " + i
                            + "\r\nMessage-ID: " + id + "\r\nMIME-Version: 1.0\r\n"
                            + "Content-Type: text/html; charset=utf-8\r\n\r\n");
                    write(out, text);
                    write(out, ".\r\n");
                    out.flush();
                    expect(in, "250");
                }
                command(in, out, "QUIT\r\n", "221");
                return count;
            }
        }

        private static void command(LineReader in, OutputStream out, String command, String code) throws IOException {
            write(out, command);
            out.flush();
            expect(in, code);
        }

        private static void expect(LineReader in, String code) throws IOException {
            String line = in.readLine();
            if (line == null || !line.startsWith(code)) {
                throw new IOException("expected " + code + ", got " + line);
            }
        }

        private static void write(OutputStream out, String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
