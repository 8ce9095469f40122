package dev.webstack.edge.proxy;

import dev.webstack.edge.config.UpstreamServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: an upstream server that misbehaves on purpose. A listening socket on 127.0.0.1 hands each
 * connection it accepts, on a thread of its own, to a {@link Behaviour} that reads and writes raw bytes (garbage,
 * contradictory heads, bodies cut short, silence). It counts connections and records every byte read through
 * {@link Connection#in()}, so a test can tell what reached it; {@link #close()} closes the listener and every
 * connection.
 */
public final class RawBackend implements AutoCloseable {
    /** What the backend does with one accepted connection; returning (or throwing) closes it. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Connection connection) throws Exception;
    }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final AtomicInteger connections = new AtomicInteger();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /** Listens on a free port. */
    public RawBackend(Behaviour behaviour) throws IOException {
        this(0, behaviour);
    }

    /** Listens on {@code port} (0: a free one). */
    public RawBackend(int port, Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("127.0.0.1", port), 64);
        this.acceptor = new Thread(this::acceptLoop, "raw-backend-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public UpstreamServerConfig serverConfig() {
        return UpstreamServerConfig.of("127.0.0.1", port());
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Every byte read from every connection so far, in the order read (ISO-8859-1). */
    public String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** How many times {@code text} occurs in what was received, e.g. a request line. */
    public int count(String text) {
        String all = received();
        int n = 0;
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Thread thread = new Thread(() -> serve(socket), "raw-backend-connection");
            thread.setDaemon(true);
            synchronized (sockets) {
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                sockets.add(socket);
                threads.add(thread);
            }
            thread.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000); // a behaviour that waits for bytes never waits forever
            behaviour.serve(new Connection(socket, new RecordingInputStream(socket.getInputStream())));
        } catch (Exception e) {
            // the edge closed or reset the connection: part of what these tests provoke
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        List<Thread> started;
        synchronized (sockets) {
            sockets.forEach(RawBackend::closeQuietly);
            started = List.copyOf(threads);
        }
        for (Thread thread : started) {
            thread.interrupt();
        }
        try {
            acceptor.join(5_000);
            for (Thread thread : started) {
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing
        }
    }

    /** One accepted connection: its socket, a recording input stream, and helpers for HTTP/1.1 heads. */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket, InputStream in) throws IOException {
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
        }

        public Socket socket() {
            return socket;
        }

        /** The connection's input; whatever is read here is recorded. */
        public InputStream in() {
            return in;
        }

        public OutputStream out() {
            return out;
        }

        /** Reads a request head up to its empty line; null when the connection ends first. */
        public String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last4 = 0;
            int c;
            while ((c = in.read()) != -1) {
                head.write(c);
                last4 = last4 << 8 | c;
                if (last4 == 0x0d0a0d0a) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        /** Reads a request head and the body its Content-Length announces; null when the connection ends first. */
        public String readRequest() throws IOException {
            String head = readHead();
            if (head == null) {
                return null;
            }
            long length = contentLength(head);
            if (length > 0 && in.readNBytes((int) length).length < length) {
                return null;
            }
            return head;
        }

        /** Reads and records until the edge closes the connection (or it is reset, or the backend closes). */
        public void readToEnd() throws IOException {
            byte[] buffer = new byte[8192];
            try {
                while (in.read(buffer) != -1) {
                    // recorded by the stream
                }
            } catch (SocketException e) {
                // reset by the edge
            }
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            return 0;
        }
    }

    /** Copies what is read into the backend's record. */
    private final class RecordingInputStream extends FilterInputStream {
        RecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c != -1) {
                synchronized (received) {
                    received.write(c);
                }
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                synchronized (received) {
                    received.write(b, off, n);
                }
            }
            return n;
        }
    }
}
