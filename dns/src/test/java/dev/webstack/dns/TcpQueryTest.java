package dev.webstack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.dns.config.DnsConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over TCP as RFC 7766 has it: many queries per connection, pipelining, answers in order; and the limits that
 * keep a connection from holding the server: the idle timeout, the close on a frame that is no query, and the cap
 * on connections open at once. Each test starts its own server with the timeout and cap it needs.
 *
 * <p>A test that expects the server to close "at once" uses an idle timeout of a minute and reads with a socket
 * timeout of a few seconds, so the close it sees cannot be the idle timeout's.
 */
class TcpQueryTest {
    private static final Duration SHORT_IDLE = Duration.ofMillis(300);
    private static final Duration LONG_IDLE = Duration.ofMinutes(1);
    /** The bound on waiting for a close the server owes us; far above SHORT_IDLE, far below LONG_IDLE. */
    private static final int CLOSE_BOUND_MILLIS = 10_000;

    @Test
    void severalQueriesOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 1000); Socket socket = connect(dns)) {
            String[] names = {"example.com.", "www.example.com.", "nothere.example.com.", "www.other.org.",
                "x.wild.example.com."};
            for (int i = 0; i < names.length; i++) {
                write(socket, query(names[i], Type.A, 100 + i));
                Message answer = read(socket);
                assertThat(answer.getHeader().getID()).isEqualTo(100 + i);
                assertThat(answer.getQuestion().getName()).isEqualTo(Name.fromString(names[i]));
            }
            Message missing = exchange(socket, query("nothere.example.com.", Type.A, 7));
            assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            Message big = exchange(socket, query("big.example.com.", Type.A, 8));
            assertThat(big.getSection(Section.ANSWER)).as("40 A records: no truncation over TCP").hasSize(40);
        }
    }

    @Test
    void pipelinedQueriesAreBothAnsweredInOrder() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 1000); Socket socket = connect(dns)) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(frame(query("www.other.org.", Type.A, 1)));
            both.writeBytes(frame(query("example.com.", Type.MX, 2)));
            socket.getOutputStream().write(both.toByteArray());
            socket.getOutputStream().flush();
            Message first = read(socket);
            Message second = read(socket);
            assertThat(first.getHeader().getID()).isEqualTo(1);
            assertThat(first.getQuestion().getName()).isEqualTo(Name.fromString("www.other.org."));
            assertThat(first.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("192.0.2.101"));
            assertThat(second.getHeader().getID()).isEqualTo(2);
            assertThat(second.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(r.getType()).isEqualTo(Type.MX));
        }
    }

    @Test
    void lengthPrefixWithLessBehindItThenSilenceIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestDns dns = server(SHORT_IDLE, 1000); Socket socket = connect(dns)) {
            byte[] query = query("example.com.", Type.SOA, 1);
            socket.getOutputStream().write(new byte[] {0, (byte) (query.length + 20)});
            socket.getOutputStream().write(query);
            socket.getOutputStream().flush();
            assertClosedByServer(socket, "a frame 20 bytes short, then silence");
            assertAnswersUdp(dns);
        }
    }

    @Test
    void silentClientIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestDns dns = server(SHORT_IDLE, 1000); Socket socket = connect(dns)) {
            assertClosedByServer(socket, "a client that sends nothing");
        }
    }

    @Test
    void idleTimeoutStartsAgainAfterEachAnswer() throws Exception {
        try (TestDns dns = server(SHORT_IDLE, 1000); Socket socket = connect(dns)) {
            assertThat(exchange(socket, query("example.com.", Type.SOA, 1)).getRcode()).isEqualTo(Rcode.NOERROR);
            assertClosedByServer(socket, "a client silent after one answered query");
        }
    }

    /**
     * DnsConfig documents the idle timeout as the time a connection may sit "without a complete query". A client
     * that trickles one byte of a never-finished frame every 100 ms, a third of the 300 ms timeout, must still be
     * closed (the slow-loris attack on a connection cap); the test gives it 40 bytes, over ten times the timeout.
     */
    @Test
    void clientTricklingAFrameThatNeverCompletesIsClosed() throws Exception {
        try (TestDns dns = server(SHORT_IDLE, 1000); Socket socket = connect(dns)) {
            socket.getOutputStream().write(new byte[] {1, 0}); // a 256-byte frame follows, one byte at a time
            socket.setSoTimeout(100);
            boolean closed = false;
            for (int sent = 0; sent < 40 && !closed; sent++) {
                try {
                    socket.getOutputStream().write('x');
                    socket.getOutputStream().flush();
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    closed = false; // the 100 ms between bytes
                } catch (SocketException e) {
                    closed = true; // reset: written after the server closed
                }
            }
            assertThat(closed).as("connection closed while it trickled 40 bytes of an incomplete frame, one per "
                    + "100 ms, with a %d ms idle timeout", SHORT_IDLE.toMillis()).isTrue();
        }
    }

    @Test
    void zeroLengthFrameClosesTheConnection() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 1000); Socket socket = connect(dns)) {
            assertThat(exchange(socket, query("example.com.", Type.SOA, 1)).getRcode()).isEqualTo(Rcode.NOERROR);
            socket.getOutputStream().write(new byte[] {0, 0});
            socket.getOutputStream().flush();
            assertClosedByServer(socket, "a zero-length frame");
        }
    }

    @Test
    void responseInsteadOfQueryClosesTheConnection() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 1000); Socket socket = connect(dns)) {
            byte[] response = query("example.com.", Type.SOA, 1);
            response[2] |= (byte) 0x80;
            write(socket, response);
            assertClosedByServer(socket, "a message with QR set");
        }
    }

    @Test
    void connectionPastTheCapIsClosedAtOnceWhileTheOthersAndUdpServeOn() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 3)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = connect(dns);
                    open.add(socket);
                    // An answer proves the server has taken this connection, and counted it.
                    assertThat(exchange(socket, query("example.com.", Type.SOA, i)).getRcode())
                            .isEqualTo(Rcode.NOERROR);
                }
                try (Socket fourth = connect(dns)) {
                    assertClosedByServer(fourth, "a 4th connection with max-tcp-connections 3");
                }
                assertAnswersUdp(dns);
                for (int i = 0; i < 3; i++) {
                    Message answer = exchange(open.get(i), query("www.example.com.", Type.A, 10 + i));
                    assertThat(answer.getHeader().getID()).isEqualTo(10 + i);
                    assertThat(answer.getSection(Section.ANSWER)).hasSize(2);
                }
                assertAnswersUdp(dns);

                open.remove(0).close();
                assertThat(answersOnANewConnection(dns)).as("a new connection once one of the three has closed")
                        .isTrue();
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    /** Tries a query on a fresh connection, up to 50 times, while the server notices that a slot has freed. */
    private static boolean answersOnANewConnection(TestDns dns) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (Socket socket = connect(dns)) {
                write(socket, query("example.com.", Type.SOA, 99));
                return read(socket).getHeader().getID() == 99;
            } catch (IOException closed) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    private static TestDns server(Duration idle, int maxConnections) throws Exception {
        DnsConfig config = DnsConfig.listeningOn(new InetSocketAddress("127.0.0.1", 0)).withTcp(idle, maxConnections);
        return new TestDns(config, TestDns.zones());
    }

    private static Socket connect(TestDns dns) throws IOException {
        Socket socket = new Socket(dns.address().getAddress(), dns.port());
        socket.setSoTimeout(CLOSE_BOUND_MILLIS);
        return socket;
    }

    /** Reads until the server closes; fails if it sends data instead or stays open past the bound. */
    private static void assertClosedByServer(Socket socket, String after) throws IOException {
        socket.setSoTimeout(CLOSE_BOUND_MILLIS);
        int read;
        try {
            read = socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open " + CLOSE_BOUND_MILLIS + " ms after "
                    + after, e);
        }
        assertThat(read).as("end of stream after %s", after).isEqualTo(-1);
    }

    private static void assertAnswersUdp(TestDns dns) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
        Message answer = TestDns.udp(dns.address(), query);
        assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(answer.getSection(Section.ANSWER)).hasSize(2);
    }

    private static byte[] query(String name, int type, int id) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().setID(id);
        return query.toWire();
    }

    private static byte[] frame(byte[] message) {
        byte[] framed = new byte[message.length + 2];
        framed[0] = (byte) (message.length >> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        return framed;
    }

    private static void write(Socket socket, byte[] message) throws IOException {
        socket.getOutputStream().write(frame(message));
        socket.getOutputStream().flush();
    }

    private static Message read(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] answer = new byte[in.readUnsignedShort()];
        in.readFully(answer);
        return new Message(answer);
    }

    private static Message exchange(Socket socket, byte[] query) throws IOException {
        write(socket, query);
        return read(socket);
    }

    @Test
    void aClientThatNeverReadsItsAnswersStopsBeingReadFromWhileOthersAreServed() throws Exception {
        try (TestDns dns = server(LONG_IDLE, 1000);
                java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(dns.address())) {
            channel.configureBlocking(false);
            byte[] wire = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("big.example.com."), org.xbill.DNS.Type.A,
                    org.xbill.DNS.DClass.IN)).toWire();
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(2 + wire.length);
            frame.putShort((short) wire.length).put(wire).flip();
            long written = 0;
            int stalls = 0;
            // Bounded: 64 MiB of queries at most. A server that kept reading (and answering into a buffer
            // nobody reads) would take them all; one that stops reading fills the socket buffers well before.
            while (written < 64L << 20 && stalls < 50) {
                if (!frame.hasRemaining()) {
                    frame.rewind();
                }
                int n = channel.write(frame);
                if (n == 0) {
                    stalls++;
                    Thread.sleep(20);
                    continue;
                }
                written += n;
            }
            assertThat(stalls).as("writes stalled after %d bytes of queries", written).isEqualTo(50);
            assertThat(written).isLessThan(64L << 20);
            assertThat(TestDns.udp(dns.address(), org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("example.com."), org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)))
                    .getRcode()).isZero();
        }
    }
}
