package dev.webstack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Hand-made malformed UDP queries, one per row, each with its documented outcome: an answer with the query's ID,
 * QR set and the given rcode, or no answer at all. After every row the same socket asks example.com SOA and must get
 * it: the server serves on. Because one socket's datagrams are answered in order, the SOA answer arriving first
 * proves the malformed one was dropped, with no waiting on a clock.
 */
class MalformedQueryTest {
    /** The outcome of a row that must get no answer. */
    private static final int DROPPED = -1;
    private static final int BAD_ID = 0xBEEF;
    private static final int GOOD_ID = 0x5A5A;

    private static TestDns dns;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDns.start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    static Stream<Arguments> cases() throws IOException {
        byte[] soa = query("example.com.", Type.SOA).toWire();
        return Stream.of(
                row("empty datagram", new byte[0], DROPPED),
                row("11 bytes, shorter than a header", Arrays.copyOf(soa, 11), DROPPED),
                row("QR set: a response, not a query", withFlag(soa, Flags.QR), DROPPED),
                row("qdcount 0", new Wire().header(0, 0, 0, 0, 0).bytes(), Rcode.FORMERR),
                row("qdcount 2", twoQuestions(), Rcode.FORMERR),
                row("qdcount 1 and no question bytes", new Wire().header(0, 1, 0, 0, 0).bytes(), Rcode.FORMERR),
                row("ancount 5 and no answers", withCount(soa, 6, 5), Rcode.FORMERR),
                row("arcount 3 and no additional records", withCount(soa, 10, 3), Rcode.FORMERR),
                // TC means nothing in a query; it must not make the server forgive counts that lie.
                row("ancount 5 and no answers, TC set", withFlag(withCount(soa, 6, 5), Flags.TC), Rcode.FORMERR),
                row("question cut inside the name", Arrays.copyOf(soa, 17), Rcode.FORMERR),
                row("question without its class", Arrays.copyOf(soa, soa.length - 2), Rcode.FORMERR),
                row("compression pointer to itself", selfPointer(), Rcode.FORMERR),
                row("loop of two compression pointers", pointerLoop(), Rcode.FORMERR),
                row("compression pointer past the end", pointerPastEnd(), Rcode.FORMERR),
                row("label of 64 bytes", labelOf64(), Rcode.FORMERR),
                row("name of 257 bytes", new Wire().header(0, 1, 0, 0, 0).bytes(nameOfLength(257))
                        .u16(Type.A).u16(DClass.IN).bytes(), Rcode.FORMERR),
                row("name of 255 bytes is fine", new Wire().header(0, 1, 0, 0, 0).bytes(nameOfLength(255))
                        .u16(Type.A).u16(DClass.IN).bytes(), Rcode.NXDOMAIN),
                row("two OPT records", twoOpts(), Rcode.FORMERR),
                row("OPT owned by a name other than the root", optNotAtRoot(), Rcode.FORMERR),
                row("OPT version 1", withOpt(new OPTRecord(1232, 0, 1)), Rcode.BADVERS),
                row("OPT option longer than the rdata", optOptionOverrun(), Rcode.FORMERR),
                row("OPT rdlength past the end", optRdlengthPastEnd(), Rcode.FORMERR),
                // Not NOTIMP: a NOTIFY to a server with no secondary zones is refused, as NSD does (the Responder
                // takes NSD's choice where the RFCs leave one, and NsdDifferentialTest holds it to that).
                row("opcode NOTIFY", withOpcode(soa, Opcode.NOTIFY), Rcode.REFUSED),
                row("opcode UPDATE", withOpcode(soa, Opcode.UPDATE), Rcode.NOTIMP),
                row("opcode STATUS", withOpcode(soa, Opcode.STATUS), Rcode.NOTIMP),
                row("opcode 3 (unassigned)", withOpcode(soa, 3), Rcode.NOTIMP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsDocumentedAndServesOn(String name, byte[] packet, int expected) throws IOException {
        byte[] good = query("example.com.", Type.SOA, GOOD_ID).toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            send(socket, packet);
            send(socket, good);
            byte[] first = receive(socket);
            assertThat(first).as("an answer to %s or to the SOA query after it", hex(packet)).isNotNull();
            Message soaAnswer;
            if (expected == DROPPED) {
                soaAnswer = new Message(first);
                assertThat(soaAnswer.getHeader().getID())
                        .as("the first answer is the SOA query's: %s was dropped", hex(packet))
                        .isEqualTo(GOOD_ID);
            } else {
                Message answer = new Message(first);
                assertThat(answer.getHeader().getID()).as("id of the answer to %s", hex(packet)).isEqualTo(BAD_ID);
                assertThat(answer.getHeader().getFlag(Flags.QR)).as("QR").isTrue();
                assertThat(Rcode.string(answer.getRcode())).as("rcode of the answer to %s", hex(packet))
                        .isEqualTo(Rcode.string(expected));
                assertThat(answer.getSection(Section.ANSWER)).as("answer section").isEmpty();
                byte[] second = receive(socket);
                assertThat(second).as("the SOA answer after %s", hex(packet)).isNotNull();
                soaAnswer = new Message(second);
            }
            assertThat(soaAnswer.getHeader().getID()).isEqualTo(GOOD_ID);
            assertThat(soaAnswer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(soaAnswer.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(soaAnswer.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA))
                    .satisfies(r -> assertThat(r.getName()).isEqualTo(Name.fromString("example.com.")));
        }
    }

    private static Arguments row(String name, byte[] packet, int expected) {
        return Arguments.of(name, packet, expected);
    }

    private static Message query(String name, int type) throws IOException {
        return query(name, type, BAD_ID);
    }

    private static Message query(String name, int type, int id) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().setID(id);
        query.getHeader().unsetFlag(Flags.RD);
        return query;
    }

    private static byte[] withFlag(byte[] wire, int flag) {
        byte[] copy = wire.clone();
        int bit = 15 - flag;
        copy[2 + (bit < 8 ? 1 : 0)] |= (byte) (1 << (bit % 8));
        return copy;
    }

    private static byte[] withCount(byte[] wire, int offset, int count) {
        byte[] copy = wire.clone();
        copy[offset] = (byte) (count >> 8);
        copy[offset + 1] = (byte) count;
        return copy;
    }

    private static byte[] withOpcode(byte[] wire, int opcode) {
        byte[] copy = wire.clone();
        copy[2] = (byte) ((copy[2] & 0x87) | (opcode << 3));
        return copy;
    }

    private static byte[] twoQuestions() throws IOException {
        Message query = query("example.com.", Type.SOA);
        query.addRecord(Record.newRecord(Name.fromString("example.com."), Type.A, DClass.IN), Section.QUESTION);
        return query.toWire();
    }

    private static byte[] selfPointer() {
        return new Wire().header(0, 1, 0, 0, 0).u8(0xC0).u8(12).u16(Type.A).u16(DClass.IN).bytes();
    }

    /** The question's name is "a" then a pointer to the additional record's owner, which is "b" then back. */
    private static byte[] pointerLoop() {
        return new Wire().header(0, 1, 0, 0, 1)
                .u8(1).u8('a').u8(0xC0).u8(20).u16(Type.A).u16(DClass.IN)
                .u8(1).u8('b').u8(0xC0).u8(12).u16(Type.A).u16(DClass.IN).u32(60).u16(4).u32(0x7F000001)
                .bytes();
    }

    private static byte[] pointerPastEnd() {
        return new Wire().header(0, 1, 0, 0, 0).u8(1).u8('a').u8(0xFF).u8(0xF0).u16(Type.A).u16(DClass.IN).bytes();
    }

    /** 64 in a length byte is the reserved label type 01 (RFC 6891 section 5), not a label. */
    private static byte[] labelOf64() {
        byte[] label = new byte[64];
        Arrays.fill(label, (byte) 'a');
        return new Wire().header(0, 1, 0, 0, 0).u8(64).bytes(label).bytes(name("example.com.")).u16(Type.A)
                .u16(DClass.IN).bytes();
    }

    /** Labels of "x"s in front of example.com., making a wire name of {@code length} bytes. */
    private static byte[] nameOfLength(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] tail = name("example.com.");
        int left = length - tail.length;
        while (left > 0) {
            int label = Math.min(63, left - 1);
            out.write(label);
            for (int i = 0; i < label; i++) {
                out.write('x');
            }
            left -= label + 1;
        }
        out.writeBytes(tail);
        assertThat(out.size()).isEqualTo(length);
        return out.toByteArray();
    }

    private static byte[] withOpt(OPTRecord opt) throws IOException {
        Message query = query("example.com.", Type.SOA);
        query.addRecord(opt, Section.ADDITIONAL);
        return query.toWire();
    }

    private static byte[] twoOpts() throws IOException {
        Message query = query("example.com.", Type.SOA);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        return query.toWire();
    }

    private static byte[] optNotAtRoot() throws IOException {
        return soaWithAdditional(new Wire().bytes(name("example.com.")).u16(Type.OPT).u16(1232).u32(0).u16(0));
    }

    /** An option whose length (8) runs past the OPT's rdata (2 bytes of option data). */
    private static byte[] optOptionOverrun() throws IOException {
        return soaWithAdditional(new Wire().u8(0).u16(Type.OPT).u16(1232).u32(0).u16(6)
                .u16(10).u16(8).u8(1).u8(2));
    }

    private static byte[] optRdlengthPastEnd() throws IOException {
        return soaWithAdditional(new Wire().u8(0).u16(Type.OPT).u16(1232).u32(0).u16(40).u16(10).u16(8));
    }

    private static byte[] soaWithAdditional(Wire record) throws IOException {
        byte[] soa = withCount(query("example.com.", Type.SOA).toWire(), 10, 1);
        return new Wire().bytes(soa).bytes(record.bytes()).bytes();
    }

    private static byte[] name(String name) {
        try {
            return Name.fromString(name).toWire();
        } catch (IOException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    private static void send(DatagramSocket socket, byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, dns.address()));
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        return TestDns.receive(socket);
    }

    private static String hex(byte[] packet) {
        return HexFormat.of().formatHex(packet);
    }

    /** Bytes written by hand, big-endian, for the parts of a packet dnsjava would refuse to build. */
    private static final class Wire {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** A query header: ID BAD_ID, opcode QUERY, the given flag bits and counts. */
        Wire header(int flags, int qd, int an, int ns, int ar) {
            return u16(BAD_ID).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
        }

        Wire u8(int value) {
            out.write(value);
            return this;
        }

        Wire u16(int value) {
            return u8(value >> 8).u8(value & 0xFF);
        }

        Wire u32(long value) {
            return u16((int) (value >> 16) & 0xFFFF).u16((int) value & 0xFFFF);
        }

        Wire bytes(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
