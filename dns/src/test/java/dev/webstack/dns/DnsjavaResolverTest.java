package dev.webstack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Real clients against the server: dnsjava's {@link SimpleResolver} over UDP and TCP, and the {@code dig} binary
 * over UDP and TCP. dig comes from Debian's dnsutils (.ci/run installs it); these tests fail, never skip, without it.
 */
class DnsjavaResolverTest {
    private static final Path DIG = Path.of("/usr/bin/dig");
    private static final Pattern CNAME_LINE =
            Pattern.compile("(?m)^www\\.example\\.com\\.\\s+3600\\s+IN\\s+CNAME\\s+example\\.com\\.$");
    private static final Pattern A_LINE =
            Pattern.compile("(?m)^example\\.com\\.\\s+3600\\s+IN\\s+A\\s+192\\.0\\.2\\.1$");

    private static TestDns dns;

    @TempDir
    Path folder;

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

    @Test
    void simpleResolverOverUdpFollowsTheCnameInsideTheZone() throws Exception {
        assertCnameThenA(resolver(false).send(query("www.example.com.", Type.A)));
    }

    @Test
    void simpleResolverOverTcpFollowsTheCnameInsideTheZone() throws Exception {
        assertCnameThenA(resolver(true).send(query("www.example.com.", Type.A)));
    }

    @Test
    void simpleResolverGetsNxdomainWithTheSoaInAuthority() throws Exception {
        Message answer = resolver(false).send(query("nothere.example.com.", Type.A));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answer.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
        assertThat(answer.getSection(Section.AUTHORITY)).singleElement().isInstanceOfSatisfying(SOARecord.class,
                soa -> {
                    assertThat(soa.getName()).isEqualTo(name("example.com."));
                    assertThat(soa.getSerial()).isEqualTo(2024010101L);
                });
    }

    @Test
    void digOverUdp() throws Exception {
        assertDigCnameThenA(dig());
    }

    @Test
    void digOverTcp() throws Exception {
        assertDigCnameThenA(dig("+tcp"));
    }

    private static void assertCnameThenA(Message answer) throws IOException {
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getHeader().getFlag(Flags.QR)).as("QR").isTrue();
        assertThat(answer.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
        assertThat(answer.getHeader().getFlag(Flags.TC)).as("TC").isFalse();
        List<Record> records = answer.getSection(Section.ANSWER);
        assertThat(records).hasSize(2);
        assertThat(records.get(0)).isInstanceOfSatisfying(CNAMERecord.class, cname -> {
            assertThat(cname.getName()).isEqualTo(name("www.example.com."));
            assertThat(cname.getTarget()).isEqualTo(name("example.com."));
        });
        assertThat(records.get(1)).isInstanceOfSatisfying(ARecord.class, a -> {
            assertThat(a.getName()).isEqualTo(name("example.com."));
            assertThat(a.getAddress().getHostAddress()).isEqualTo("192.0.2.1");
        });
    }

    private static void assertDigCnameThenA(String output) {
        assertThat(output).contains("status: NOERROR").contains("flags: qr aa;");
        Matcher cname = CNAME_LINE.matcher(output);
        Matcher a = A_LINE.matcher(output);
        assertThat(cname.find()).as("the CNAME line in:%n%s", output).isTrue();
        assertThat(a.find()).as("the A line in:%n%s", output).isTrue();
        assertThat(cname.start()).as("the CNAME before the A in:%n%s", output).isLessThan(a.start());
    }

    private static SimpleResolver resolver(boolean tcp) throws IOException {
        SimpleResolver resolver = new SimpleResolver(dns.address().getAddress());
        resolver.setPort(dns.port());
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }

    private static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name);
        } catch (IOException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /** Runs dig for www.example.com against the server, bounded, and returns what it printed. */
    private String dig(String... options) throws Exception {
        assertThat(DIG).as("dig (Debian's dnsutils; .ci/run installs it)").isExecutable();
        List<String> command = new ArrayList<>(List.of(DIG.toString(), "@127.0.0.1", "-p",
                String.valueOf(dns.port()), "www.example.com", "A", "+norec", "+time=2", "+tries=1"));
        command.addAll(List.of(options));
        Path output = folder.resolve("dig.out");
        Process dig = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!dig.waitFor(20, TimeUnit.SECONDS)) {
            dig.destroyForcibly();
            throw new AssertionError("dig did not finish in 20 s: " + String.join(" ", command));
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(dig.exitValue()).as("dig's exit status; it printed:%n%s", printed).isZero();
        return printed;
    }
}
