package dev.webstack.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The zone loader refuses a bad zone with the file, the line and the reason, every problem at once. */
class ZoneFileTest {
    private static final String HEAD = """
            $TTL 300
            @    IN SOA ns1 hostmaster 1 3600 900 1209600 300
            @    IN NS  ns1
            ns1  IN A   192.0.2.1
            """;

    @TempDir
    Path dir;

    private Path zone(String text) throws Exception {
        Path file = dir.resolve("example.org.zone");
        Files.writeString(file, text);
        return file;
    }

    private static Name origin() throws Exception {
        return Name.fromString("example.org.");
    }

    @Test
    void aGoodZoneLoadsWithItsEmptyNonTerminals() throws Exception {
        Zone zone = ZoneFile.load(origin(), zone(HEAD + "a.b.c IN A 192.0.2.2\nwww IN CNAME @\n"));
        assertThat(zone.serial()).isEqualTo(1);
        assertThat(zone.node(Name.fromString("b.c.example.org.")).isEmptyNonTerminal()).isTrue();
        assertThat(zone.node(Name.fromString("WWW.Example.ORG.")).rrset(Type.CNAME).first())
                .isInstanceOf(CNAMERecord.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CNAME to an IPv4 address      | www IN CNAME 192.0.2.9            | :5: www CNAME 192.0.2.9 (expected: a host name, not an address)",
        "CNAME to an absolute address  | www IN CNAME 192.0.2.9.           | :5: www CNAME 192.0.2.9. (expected: a host name, not an address)",
        "CNAME to an IPv6 address      | www IN CNAME 2001:db8::1          | :5: www CNAME 2001:db8::1 (expected: a host name, not an address)",
        "record outside the origin     | www.example.com. IN A 192.0.2.9   | :5: www.example.com. is outside the zone's origin (expected: a name at or below example.org.)",
        "a second SOA                  | @ IN SOA ns1 hostmaster 2 1 1 1 1 | :5: a second SOA (expected: exactly one, at example.org.)",
        "SOA below the apex            | sub IN SOA ns1 hostmaster 2 1 1 1 1 | :5: SOA at sub.example.org. (expected: only at the origin example.org.)",
        "class other than IN           | www CH TXT \"x\"                   | :5: www.example.org. has class CH (expected: IN)",
        "syntax error                  | www IN A 300.1.2.3                | :5: Invalid address: 300.1.2.3",
        "unknown type                  | www IN BOGUS 1                    | :5: ",
        "DNAME, not answered yet       | old IN DNAME example.net.         | :5: DNAME at old.example.org. is not supported (expected: CNAME records instead)",
    })
    void refusesWithFileLineAndReason(String what, String line, String expected) throws Exception {
        Path file = zone(HEAD + line + "\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), file))
                .isInstanceOf(ZoneException.class)
                .hasMessageStartingWith(file + expected.trim());
    }

    @Test
    void aCnameBesideOtherDataIsRefusedWhicheverComesFirst() throws Exception {
        Path file = zone(HEAD + "www IN CNAME @\nwww IN A 192.0.2.9\nmail IN TXT \"x\"\nmail IN CNAME @\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), file))
                .isInstanceOfSatisfying(ZoneException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":6: A at www.example.org. beside the CNAME at " + file
                                + ":5 (expected: a CNAME alone at its name)",
                        file + ":8: CNAME at mail.example.org. beside other data at " + file
                                + ":7 (expected: a CNAME alone at its name)"));
    }

    @Test
    void aZoneWithoutSoaOrNsIsRefused() throws Exception {
        Path noSoa = zone("$TTL 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), noSoa))
                .hasMessage(noSoa + ": zone example.org. has no SOA record (expected: one at example.org.)");
        Path noNs = zone("$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 900 1209600 300\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), noNs))
                .hasMessage(noNs + ": zone example.org. has no NS records at its apex (expected: at least one)");
    }

    @Test
    void includeIsRefusedAndAMissingFileSaysSo() throws Exception {
        Path include = zone(HEAD + "$INCLUDE /etc/passwd\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), include)).hasMessageContaining(include + ":5:")
                .hasMessageContaining("$INCLUDE");
        Path missing = dir.resolve("missing.zone");
        assertThatThrownBy(() -> ZoneFile.load(origin(), missing)).hasMessageStartingWith(missing + ": cannot read");
    }

    @Test
    void aSyntaxErrorIsReportedWithTheProblemsFoundBeforeIt() throws Exception {
        Path file = zone(HEAD + "a IN CNAME 192.0.2.1\nb IN A 999.0.0.1\nc IN CNAME 10.0.0.1\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), file))
                .isInstanceOfSatisfying(ZoneException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":5: a CNAME 192.0.2.1 (expected: a host name, not an address)",
                        file + ":6: Invalid address: 999.0.0.1"));
    }

    @Test
    void signedZonesAreRefusedNotHalfServed() throws Exception {
        Path file = zone(HEAD + "www IN CNAME @\nwww IN RRSIG CNAME 8 3 300 20300101000000 20200101000000 1 "
                + "example.org. AAAA\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), file)).hasMessage(file
                + ":6: RRSIG at www.example.org.: signed zones are not supported (expected: an unsigned zone)");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() throws Exception {
        Path file = zone(HEAD + "a IN CNAME 192.0.2.1\nb.example.com. IN A 192.0.2.2\nc IN CNAME 10.0.0.1\n");
        assertThatThrownBy(() -> ZoneFile.load(origin(), file))
                .isInstanceOfSatisfying(ZoneException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void theGeneratedZoneHasSoaNsGlueApexAndWww() throws Exception {
        Zone zone = GeneratedZone.build(Name.fromString("foobar.com."), InetAddress.getByName("192.0.2.7"),
                InetAddress.getByName("2001:db8::7"), Duration.ofMinutes(5), 1_764_000_000L);
        assertThat(zone.serial()).isEqualTo(1_764_000_000L);
        assertThat(zone.nameServers().first().getAdditionalName()).isEqualTo(Name.fromString("ns1.foobar.com."));
        assertThat(zone.node(Name.fromString("ns1.foobar.com.")).rrset(Type.A).first().rdataToString())
                .isEqualTo("192.0.2.7");
        assertThat(zone.apex().rrset(Type.AAAA).first().getTTL()).isEqualTo(300);
        assertThat(((CNAMERecord) zone.node(Name.fromString("www.foobar.com.")).rrset(Type.CNAME).first())
                .getTarget()).isEqualTo(Name.fromString("foobar.com."));
        assertThat(zone.negativeSoa().getTTL()).isEqualTo(300);
    }
}
