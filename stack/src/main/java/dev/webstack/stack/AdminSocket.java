package dev.webstack.stack;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The running stack's admin endpoint: a unix socket, {@code run/admin.sock} in the data folder, that only the user
 * the stack runs as can reach (the socket is 0600 in a 0700 {@code run/}); nothing listens on the network. The
 * commands {@code status}, {@code restart app} and {@code deploy} talk to it.
 *
 * <p>The exchange is lines of UTF-8 text. The client sends the request, one word or argument a line, then an empty
 * line. The stack answers with lines {@code out TEXT} and {@code err TEXT} as it goes (a deploy shows its progress)
 * and ends with {@code exit N}, the command's exit code.
 */
final class AdminSocket implements AutoCloseable {
    static final String FILE = "run/admin.sock";
    private static final int MAX_CLIENTS = 4;
    private static final int MAX_REQUEST_LINES = 256;
    private static final int MAX_LINE = 8192;
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** A client that sends no whole request within this is cut off, so it cannot hold one of the few slots. */
    private static final long REQUEST_SECONDS = 5;

    /** Handles one request; writes its answer through {@code out} and {@code err} and returns the exit code. */
    interface Handler {
        int handle(List<String> request, PrintWriter out, PrintWriter err) throws Exception;
    }

    private final ServerSocketChannel server;
    private final Path file;
    private final Handler handler;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final ScheduledExecutorService timer;
    private final Thread acceptor;

    private AdminSocket(ServerSocketChannel server, Path file, Handler handler) {
        this.server = server;
        this.file = file;
        this.handler = handler;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "admin-timer"));
        this.acceptor = daemon(this::accept, "admin-accept");
    }

    /** Listens on {@code run/admin.sock} of the data folder; a file left by a crashed run is replaced. */
    static AdminSocket open(Path dataDir, Handler handler) throws IOException {
        Path file = dataDir.resolve(FILE);
        Files.createDirectories(file.getParent()); // made 0700 by the data folder's lock
        Files.deleteIfExists(file); // only the holder of the folder's lock gets here
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(file));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        AdminSocket socket = new AdminSocket(server, file, handler);
        socket.acceptor.start();
        return socket;
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                pause(); // out of descriptors, say: no spinning on it
                continue;
            }
            if (!slots.tryAcquire()) {
                answerBusy(client);
                continue;
            }
            daemon(() -> {
                try {
                    serve(client);
                } finally {
                    slots.release();
                }
            }, "admin-client").start();
        }
    }

    private void serve(SocketChannel client) {
        var cutOff = timer.schedule(() -> closeQuietly(client), REQUEST_SECONDS, TimeUnit.SECONDS);
        try (client;
                InputStream in = new BufferedInputStream(Channels.newInputStream(client));
                PrintWriter raw = new PrintWriter(new OutputStreamWriter(Channels.newOutputStream(client),
                        StandardCharsets.UTF_8), true)) {
            List<String> request = readRequest(in);
            cutOff.cancel(false);
            PrintWriter out = new PrintWriter(new PrefixWriter(raw, "out "), true);
            PrintWriter err = new PrintWriter(new PrefixWriter(raw, "err "), true);
            int code;
            if (request == null) {
                err.println("webstack: a request is lines of text, at most " + MAX_REQUEST_LINES + " of "
                        + MAX_LINE + " characters, ended by an empty line");
                code = 2;
            } else {
                try {
                    code = handler.handle(request, out, err);
                } catch (Exception e) {
                    err.println("webstack: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    code = 1;
                }
            }
            out.flush();
            err.flush();
            raw.println("exit " + code);
        } catch (IOException e) {
            // the client went away; a deploy it asked for went on regardless
        } finally {
            cutOff.cancel(false);
        }
    }

    /**
     * The request's lines, or null when it is not lines of text or is longer than {@link #MAX_REQUEST_BYTES}: read
     * byte by byte against that bound, so a client cannot make the stack hold more than that.
     */
    private static List<String> readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int total = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (++total > MAX_REQUEST_BYTES || b == 0) {
                return null;
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            if (line.size() == 0) {
                return lines;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.length() > MAX_LINE || lines.size() == MAX_REQUEST_LINES) {
                return null;
            }
            lines.add(text);
            line.reset();
        }
        return null; // ended before the empty line
    }

    private static void answerBusy(SocketChannel client) {
        try (client; PrintWriter w = new PrintWriter(new OutputStreamWriter(Channels.newOutputStream(client),
                StandardCharsets.UTF_8), true)) {
            w.println("err webstack: the stack is busy with " + MAX_CLIENTS + " admin requests; try again");
            w.println("exit 1");
        } catch (IOException e) {
            // gone already
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket does not fail in a way that matters here
        }
        timer.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next up replaces it
        }
    }

    /** Prefixes each line written through it (the answer's {@code out } and {@code err } lines). */
    private static final class PrefixWriter extends java.io.Writer {
        private final PrintWriter target;
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        PrefixWriter(PrintWriter target, String prefix) {
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void write(char[] chars, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = chars[i];
                if (c == '\n') {
                    emit();
                } else if (c != '\r') {
                    line.append(c);
                }
            }
        }

        private void emit() {
            synchronized (target) {
                target.println(prefix + line);
            }
            line.setLength(0);
        }

        @Override
        public void flush() {
            if (line.length() > 0) {
                emit();
            }
            target.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
