package dev.webstack.dns;

import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.server.DnsServer;
import dev.webstack.dns.zone.Zone;
import dev.webstack.dns.zone.ZoneFile;
import dev.webstack.dns.zone.Zones;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/** Test fixture: a DNS server on 127.0.0.1 and a free port, with zones from the test resources, and raw clients. */
public final class TestDns implements AutoCloseable {
    public static final String[] ZONES = {"example.com", "other.org", "neg.test"};

    private final DnsServer server;

    public TestDns(DnsConfig config, Zones zones) throws Exception {
        server = new DnsServer(config, zones);
        server.start();
    }

    public static TestDns start() throws Exception {
        return new TestDns(DnsConfig.listeningOn(new InetSocketAddress("127.0.0.1", 0)), zones());
    }

    public static Zones zones() throws Exception {
        List<Zone> zones = new ArrayList<>();
        for (String origin : ZONES) {
            zones.add(ZoneFile.load(Name.fromString(origin + "."), zoneFile(origin)));
        }
        return new Zones(zones);
    }

    public static Path zoneFile(String origin) throws URISyntaxException {
        return Path.of(TestDns.class.getResource("/zones/" + origin + ".zone").toURI());
    }

    public DnsServer server() {
        return server;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public int port() {
        return server.address().getPort();
    }

    /** Sends one datagram and returns the answer's bytes, or null when none came within the timeout. */
    public static byte[] udp(InetSocketAddress to, byte[] query, int timeoutMillis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(timeoutMillis);
            socket.send(new DatagramPacket(query, query.length, to));
            return receive(socket);
        }
    }

    /** The next datagram on {@code socket}, or null after the socket's timeout. */
    public static byte[] receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    public static Message udp(InetSocketAddress to, Message query) throws IOException {
        byte[] answer = udp(to, query.toWire(), 2000);
        if (answer == null) {
            throw new IOException("no answer from " + to + " to " + query.getQuestion());
        }
        return new Message(answer);
    }

    public static Message tcp(InetSocketAddress to, Message query) throws IOException {
        try (Socket socket = new Socket(to.getAddress(), to.getPort())) {
            socket.setSoTimeout(5000);
            byte[] wire = query.toWire();
            var out = socket.getOutputStream();
            out.write(new byte[] {(byte) (wire.length >> 8), (byte) wire.length});
            out.write(wire);
            out.flush();
            var in = new java.io.DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return new Message(answer);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
