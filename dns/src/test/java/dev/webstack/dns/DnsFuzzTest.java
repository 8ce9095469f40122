package dev.webstack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.webstack.dns.config.DnsConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A seeded fuzz of the query path: valid queries mutated (bit flips, truncation, count fields, appended bytes,
 * compression pointers) and random byte strings, thrown at the server over UDP and TCP. Whatever it answers must be
 * a well-formed response to the query it answers, with one of the rcodes an authoritative server gives; afterwards
 * it still answers a valid query on both transports.
 *
 * <p>Each packet's ID is its index (written over whatever the mutation left in the first two bytes), so every
 * answer names the one query it answers. UDP packets go in batches, each followed by a valid sentinel query from
 * the same socket: the server answers one socket's datagrams in order, so the sentinel's answer closes the batch.
 */
class DnsFuzzTest {
    private static final long SEED = 20261127L;
    private static final int UDP_PACKETS = 20_000;
    private static final int UDP_BATCH = 16;
    private static final int TCP_PACKETS = 2_000;
    private static final int TCP_CONNECTIONS = 4;
    private static final int TCP_PIPELINE = 10;
    private static final int SENTINEL_ID = 0xF000;
    private static final Set<Integer> AUTHORITATIVE_RCODES = Set.of(
            Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.FORMERR, Rcode.NOTIMP, Rcode.REFUSED, Rcode.BADVERS);

    private static TestDns dns;
    private static List<byte[]> templates;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDns.start();
        templates = templates();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void udpFuzzGetsWellFormedAnswersOrNoneAndTheServerServesOn() throws Exception {
        Random random = new Random(SEED);
        byte[][] sent = new byte[UDP_PACKETS][];
        boolean[] answered = new boolean[UDP_PACKETS];
        Map<String, Integer> rcodes = new TreeMap<>();
        int sentinels = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            for (int start = 0; start < UDP_PACKETS; start += UDP_BATCH) {
                int end = Math.min(UDP_PACKETS, start + UDP_BATCH);
                for (int i = start; i < end; i++) {
                    sent[i] = withId(fuzzed(random), i);
                    socket.send(new DatagramPacket(sent[i], sent[i].length, dns.address()));
                }
                int sentinel = SENTINEL_ID + sentinels++ % 0x0FFF;
                byte[] valid = soaQuery(sentinel);
                socket.send(new DatagramPacket(valid, valid.length, dns.address()));
                boolean closed = false;
                for (int reads = 0; reads < 4 * UDP_BATCH && !closed; reads++) {
                    byte[] wire = receive(socket);
                    if (wire == null) {
                        fail("no answer to the valid query sent after packets %d..%d; the last of them: %s",
                                start, end - 1, hex(sent[end - 1]));
                    }
                    Message answer = parsed(wire, sent, start, end);
                    int id = answer.getHeader().getID();
                    if (id == sentinel) {
                        assertThat(answer.getRcode()).as("rcode of the valid query").isEqualTo(Rcode.NOERROR);
                        closed = true;
                        continue;
                    }
                    assertThat(id).as("id of an answer: one of the packets sent").isLessThan(end);
                    assertThat(answered[id]).as("packet %d answered twice: %s", id, hex(sent[id])).isFalse();
                    answered[id] = true;
                    checkAnswer(sent[id], answer, wire, true);
                    rcodes.merge(Rcode.string(answer.getRcode()), 1, Integer::sum);
                }
                assertThat(closed).as("the valid query after packets %d..%d was answered", start, end - 1).isTrue();
            }
        }
        // The fuzz is no fuzz if it never got past the parser, or never failed it.
        assertThat(rcodes).as("answers by rcode").containsKeys("NOERROR", "FORMERR", "NOTIMP");
        assertThat(rcodes.values().stream().mapToInt(Integer::intValue).sum()).as("answers").isGreaterThan(1000);
        assertServesOn();
    }

    @Test
    void tcpFuzzIsAnsweredInOrderOnAFewConnectionsAndTheServerServesOn() throws Exception {
        Random random = new Random(SEED + 1);
        Map<String, Integer> rcodes = new TreeMap<>();
        int perConnection = TCP_PACKETS / TCP_CONNECTIONS;
        for (int c = 0; c < TCP_CONNECTIONS; c++) {
            try (Socket socket = new Socket(dns.address().getAddress(), dns.port())) {
                socket.setSoTimeout(5000);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                for (int start = 0; start < perConnection; start += TCP_PIPELINE) {
                    byte[][] batch = new byte[TCP_PIPELINE][];
                    ByteArrayOutputStream frames = new ByteArrayOutputStream();
                    for (int i = 0; i < TCP_PIPELINE; i++) {
                        batch[i] = withId(queryLike(fuzzed(random)), c * perConnection + start + i);
                        frames.write(batch[i].length >> 8);
                        frames.write(batch[i].length);
                        frames.writeBytes(batch[i]);
                    }
                    out.write(frames.toByteArray()); // one write: no Nagle wait between small segments
                    out.flush();
                    for (int i = 0; i < TCP_PIPELINE; i++) {
                        byte[] wire;
                        try {
                            wire = new byte[in.readUnsignedShort()];
                            in.readFully(wire);
                        } catch (EOFException | SocketTimeoutException e) {
                            throw new AssertionError("connection " + c + " ended before the answer to "
                                    + hex(batch[i]) + " (a query of 12 bytes or more with QR clear): " + e, e);
                        }
                        Message answer = parsed(wire, batch, 0, TCP_PIPELINE);
                        assertThat(answer.getHeader().getID()).as("answers come in order: the answer to %s",
                                hex(batch[i])).isEqualTo(c * perConnection + start + i);
                        checkAnswer(batch[i], answer, wire, false);
                        rcodes.merge(Rcode.string(answer.getRcode()), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(rcodes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(TCP_PACKETS);
        assertThat(rcodes).as("answers by rcode").containsKeys("NOERROR", "FORMERR");
        assertServesOn();
    }

    /** The invariants of any answer to {@code query}. */
    private static void checkAnswer(byte[] query, Message answer, byte[] wire, boolean udp) {
        String what = "the answer " + hex(wire) + " to " + hex(query);
        assertThat(query.length).as("%s: a packet under 12 bytes is dropped", what).isGreaterThanOrEqualTo(12);
        assertThat(query[2] & 0x80).as("%s: a response (QR set) is dropped", what).isZero();
        assertThat(answer.getHeader().getFlag(Flags.QR)).as("%s: QR", what).isTrue();
        Record question = answer.getQuestion();
        if (answer.getRcode() == Rcode.NOTAUTH) {
            // "Not authoritative for zone": what NSD, and so the Responder, answers a transfer of no zone's apex.
            assertThat(question).as("%s: NOTAUTH echoes the question", what).isNotNull();
            assertThat(question.getType()).as("%s: NOTAUTH only for a transfer", what).isIn(Type.AXFR, Type.IXFR);
        } else {
            assertThat(AUTHORITATIVE_RCODES).as("%s: rcode %s", what, Rcode.string(answer.getRcode()))
                    .contains(answer.getRcode());
        }
        if (question != null) {
            Message parsedQuery;
            try {
                parsedQuery = new Message(query);
            } catch (IOException e) {
                throw new AssertionError(what + ": echoes a question from a query that does not parse", e);
            }
            assertThat(question).as("%s: the question echoed", what).isEqualTo(parsedQuery.getQuestion());
        }
        if (udp) {
            // RFC 1035 section 4.2.1 and RFC 6891 section 6.2.5: 512 bytes without EDNS, the server's size with it.
            assertThat(wire.length).as("%s: UDP size", what)
                    .isLessThanOrEqualTo(answer.getOPT() == null ? 512 : DnsConfig.DEFAULT_UDP_SIZE);
        }
    }

    private static Message parsed(byte[] wire, byte[][] sent, int from, int to) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            StringBuilder queries = new StringBuilder();
            for (int i = from; i < to; i++) {
                queries.append("\n  ").append(hex(sent[i]));
            }
            throw new AssertionError("an answer that dnsjava cannot parse: " + hex(wire) + " (" + e.getMessage()
                    + "); it answers one of:" + queries, e);
        }
    }

    private static void assertServesOn() throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.SOA, DClass.IN));
        for (Message answer : List.of(TestDns.udp(dns.address(), query), TestDns.tcp(dns.address(), query))) {
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
            assertThat(answer.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA));
        }
    }

    /** One fuzzed packet: a mutated valid query (nine in ten), or random bytes. */
    private static byte[] fuzzed(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] noise = new byte[random.nextInt(600)];
            random.nextBytes(noise);
            if (noise.length > 2 && random.nextBoolean()) {
                noise[2] &= 0x07; // QR clear and opcode QUERY, so the noise reaches the parser
            }
            return noise;
        }
        byte[] packet = templates.get(random.nextInt(templates.size())).clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            packet = mutated(packet, random);
        }
        return packet;
    }

    private static byte[] mutated(byte[] packet, Random random) {
        switch (random.nextInt(5)) {
            case 0: {
                byte[] copy = packet.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0 && copy.length > 0; flips--) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            }
            case 1:
                return Arrays.copyOf(packet, random.nextInt(packet.length + 1));
            case 2: {
                if (packet.length < 12) {
                    return packet;
                }
                byte[] copy = packet.clone();
                int offset = 4 + 2 * random.nextInt(4);
                int count = random.nextBoolean() ? random.nextInt(4) : random.nextInt(65536);
                copy[offset] = (byte) (count >> 8);
                copy[offset + 1] = (byte) count;
                return copy;
            }
            case 3: {
                byte[] tail = new byte[1 + random.nextInt(64)];
                random.nextBytes(tail);
                byte[] copy = Arrays.copyOf(packet, packet.length + tail.length);
                System.arraycopy(tail, 0, copy, packet.length, tail.length);
                return copy;
            }
            default: {
                if (packet.length < 14) {
                    return packet;
                }
                byte[] copy = packet.clone();
                int at = 12 + random.nextInt(copy.length - 13);
                int target = random.nextBoolean() ? random.nextInt(copy.length + 16) : random.nextInt(0x4000);
                copy[at] = (byte) (0xC0 | target >> 8);
                copy[at + 1] = (byte) target;
                return copy;
            }
        }
    }

    /**
     * For TCP: padded to a header's 12 bytes and with QR clear, so the server must answer every one and keep the
     * connection (it closes only on packets it drops, which TcpQueryTest covers).
     */
    private static byte[] queryLike(byte[] packet) {
        byte[] copy = packet.length < 12 ? Arrays.copyOf(packet, 12) : packet.clone();
        copy[2] &= 0x7F;
        return copy;
    }

    private static byte[] withId(byte[] packet, int id) {
        if (packet.length >= 2) {
            packet[0] = (byte) (id >> 8);
            packet[1] = (byte) id;
        }
        return packet;
    }

    /** Valid queries to mutate: plain, with EDNS, and one whose additional record points back at the question. */
    private static List<byte[]> templates() throws IOException {
        List<byte[]> wires = new ArrayList<>();
        Object[][] questions = {
            {"example.com.", Type.SOA}, {"www.example.com.", Type.A}, {"big.example.com.", Type.A},
            {"_sip._tcp.example.com.", Type.SRV}, {"x.wild.example.com.", Type.TXT}, {"nothere.example.com.", Type.A},
            {"sub.example.com.", Type.NS}, {"www.other.org.", Type.AAAA}, {"example.com.", Type.ANY},
            {"www.nowhere.test.", Type.A}, {"example.com.", Type.AXFR}, {"bigdeleg.example.com.", Type.NS},
        };
        for (Object[] q : questions) {
            Message query = Message.newQuery(Record.newRecord(Name.fromString((String) q[0]), (int) q[1], DClass.IN));
            wires.add(query.toWire());
            query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            wires.add(query.toWire());
        }
        Message compressed = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A,
                DClass.IN));
        compressed.addRecord(Record.fromString(Name.fromString("www.example.com."), Type.A, DClass.IN, 60,
                "192.0.2.1", Name.root), Section.ADDITIONAL);
        compressed.addRecord(new OPTRecord(512, 0, 0), Section.ADDITIONAL);
        wires.add(compressed.toWire());
        return wires;
    }

    private static byte[] soaQuery(int id) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.SOA, DClass.IN));
        query.getHeader().setID(id);
        return query.toWire();
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    private static String hex(byte[] packet) {
        return HexFormat.of().formatHex(packet);
    }
}
