package dev.webstack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.dns.config.AddressRange;
import dev.webstack.dns.config.DnsConfig;
import dev.webstack.dns.config.RateLimitConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Response-rate limiting on the wire, and zone transfers for the clients the config allows. */
class RateLimitAndTransferTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void aFloodOfIdenticalQueriesIsCutToTheRateWithTruncatedSlipsWhileOtherAnswersAndTcpFlow() throws Exception {
        DnsConfig config = DnsConfig.listeningOn(ANY).withRateLimit(new RateLimitConfig(10, 2, 24, 64));
        try (TestDns dns = new TestDns(config, TestDns.zones());
                DatagramSocket socket = new DatagramSocket()) {
            byte[] query = query("www.example.com.", Type.A).toWire();
            // 200 identical queries sent at once: far beyond 10 per second.
            for (int i = 0; i < 200; i++) {
                socket.send(new DatagramPacket(query, query.length, dns.address()));
            }
            socket.setSoTimeout(500);
            int full = 0;
            int truncated = 0;
            byte[] buffer = new byte[1500];
            for (int i = 0; i < 200; i++) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message answer = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
                if (answer.getHeader().getFlag(Flags.TC)) {
                    assertThat(answer.getSection(1)).isEmpty();
                    truncated++;
                } else {
                    full++;
                }
            }
            assertThat(full).as("full answers").isBetween(10, 20);
            assertThat(truncated).as("slipped (truncated) answers, every second limited one").isBetween(80, 100);
            assertThat(TestDns.udp(dns.address(), query("mail.example.com.", Type.A)).getRcode())
                    .isEqualTo(Rcode.NOERROR);
            Message overTcp = TestDns.tcp(dns.address(), query("www.example.com.", Type.A));
            assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(overTcp.getSection(1)).hasSize(2);
        }
    }

    @Test
    void randomNamesUnderAWildcardShareOneBucketSoTheyCannotDodgeTheLimit() throws Exception {
        DnsConfig config = DnsConfig.listeningOn(ANY).withRateLimit(new RateLimitConfig(10, 0, 24, 64));
        try (TestDns dns = new TestDns(config, TestDns.zones());
                DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 100; i++) {
                byte[] query = query("r" + i + ".wild.example.com.", Type.A).toWire();
                socket.send(new DatagramPacket(query, query.length, dns.address()));
            }
            socket.setSoTimeout(500);
            int answered = 0;
            while (TestDns.receive(socket) != null && answered < 200) {
                answered++;
            }
            assertThat(answered).as("answers to 100 names under one wildcard at 10/s, slip 0").isBetween(10, 20);
        }
    }

    @Test
    void ixfrWithTheClientsSoaIsAnsweredWithTheWholeZoneToAllowedClients() throws Exception {
        DnsConfig allowed = DnsConfig.listeningOn(ANY).withAllowTransfer(List.of(AddressRange.parse("127.0.0.1")));
        try (TestDns dns = new TestDns(allowed, TestDns.zones())) {
            String ixfr = dig(dns, "ixfr=1", "example.com");
            assertThat(ixfr).doesNotContain("Transfer failed").contains("a.b.c.ent.example.com.");
        }
    }

    @Test
    void axfrIsServedToAllowedClientsOverTcpAndRefusedToOthers() throws Exception {
        DnsConfig allowed = DnsConfig.listeningOn(ANY).withAllowTransfer(List.of(AddressRange.parse("127.0.0.0/8")));
        try (TestDns dns = new TestDns(allowed, TestDns.zones())) {
            String axfr = dig(dns, "axfr", "example.com");
            List<String> records = new ArrayList<>();
            for (String line : axfr.split("\n")) {
                if (!line.isBlank() && !line.startsWith(";")) {
                    records.add(line);
                }
            }
            assertThat(records.get(0)).contains("SOA");
            assertThat(records.get(records.size() - 1)).contains("SOA");
            assertThat(records).hasSizeGreaterThan(200).anyMatch(l -> l.startsWith("a.b.c.ent.example.com."));
            assertThat(dig(dns, "axfr", "www.example.com")).contains("Transfer failed");
        }
        try (TestDns dns = TestDns.start()) {
            assertThat(dig(dns, "axfr", "example.com")).contains("Transfer failed");
            Message refused = TestDns.tcp(dns.address(), query("example.com.", Type.AXFR));
            assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
        }
    }

    private static Message query(String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        return query;
    }

    private static String dig(TestDns dns, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(dns.port()),
                "+time=5", "+tries=1"));
        command.addAll(List.of(args));
        Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dig.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
