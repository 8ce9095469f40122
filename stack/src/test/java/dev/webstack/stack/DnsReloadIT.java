package dev.webstack.stack;

import static dev.webstack.stack.StackIT.dig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The DNS tier in the running stack: zone files, {@code webstack reload}, SIGHUP, and zones that do not load. */
class DnsReloadIT {
    private static final String ZONE = """
            $TTL 300
            @    IN SOA ns1 hostmaster %d 3600 900 1209600 300
            @    IN NS  ns1
            ns1  IN A   192.0.2.1
            www  IN A   %s
            """;

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Files.writeString(dir.resolve("example.org.zone"), ZONE.formatted(1, "192.0.2.10"));
        Path file = dir.resolve("webstack.yaml");
        Files.writeString(file, """
                app: { enabled: false }
                edge:
                  http: { port: 0 }
                  https: { enabled: false }
                dns:
                  port: 0
                  rate-limit: { responses-per-second: 0 }
                  zone-files:
                    - origin: example.org
                      file: example.org.zone
                """);
        return file;
    }

    @Test
    void reloadSwapsZonesWithoutDroppingAQueryAndKeepsTheOldZoneWhenTheNewOneIsBroken() throws Exception {
        Path file = config();
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            up.awaitReadyPorts();
            int port = up.awaitDnsPort();
            assertThat(dig("@127.0.0.1", "-p", "" + port, "+short", "www.example.org")).isEqualTo("192.0.2.10\n");
            assertThat(dig("@127.0.0.1", "-p", "" + port, "www.foobar.com")).contains("status: NOERROR", "CNAME");

            QueryLoad load = new QueryLoad(new InetSocketAddress("127.0.0.1", port));
            load.start();
            Files.writeString(dir.resolve("example.org.zone"), ZONE.formatted(2, "192.0.2.20"));
            WebstackProcess reload = WebstackProcess.run(dir, "reload", "-c", file.toString());
            assertThat(reload.waitFor()).as(reload.output()).isZero();
            assertThat(reload.output()).contains("dns reloaded 2 zones (example.org., foobar.com.)");
            assertThat(dig("@127.0.0.1", "-p", "" + port, "+short", "www.example.org")).isEqualTo("192.0.2.20\n");

            Files.writeString(dir.resolve("example.org.zone"),
                    ZONE.formatted(3, "192.0.2.30") + "mail IN CNAME 192.0.2.31\n");
            WebstackProcess broken = WebstackProcess.run(dir, "reload", "-c", file.toString());
            assertThat(broken.waitFor()).isEqualTo(1);
            assertThat(broken.output()).contains("example.org.zone:6: mail CNAME 192.0.2.31 (expected: a host name, "
                    + "not an address)", "reload failed: still serving the zones loaded before");
            assertThat(dig("@127.0.0.1", "-p", "" + port, "+short", "www.example.org")).isEqualTo("192.0.2.20\n");

            Files.writeString(dir.resolve("example.org.zone"), ZONE.formatted(4, "192.0.2.40"));
            up.send("HUP");
            // The first reload printed "dns reloaded" too: wait (bounded) for the answer this one brings.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            String answer;
            do {
                answer = dig("@127.0.0.1", "-p", "" + port, "+short", "www.example.org");
            } while (!answer.equals("192.0.2.40\n") && System.nanoTime() < deadline);
            assertThat(answer).isEqualTo("192.0.2.40\n");

            load.stop();
            assertThat(load.sent.get()).isGreaterThan(100);
            assertThat(load.lost.get()).as("queries unanswered of %d during three reloads", load.sent.get()).isZero();
            assertThat(load.wrong.get()).as("wrong answers of %d during three reloads", load.sent.get()).isZero();
            assertThat(up.terminate()).isZero();
            assertThat(up.output()).contains("dns   stopped");
        }
        WebstackProcess notRunning = WebstackProcess.run(dir, "reload", "-c", file.toString());
        assertThat(notRunning.waitFor()).isEqualTo(1);
        assertThat(notRunning.output()).contains("no stack is running on the data folder");
    }

    @Test
    void reloadSwapsTheEdgesSitesAndKeepsThemWhenTheNewConfigIsBroken() throws Exception {
        for (String site : List.of("one", "two")) {
            Files.createDirectories(dir.resolve(site));
            Files.writeString(dir.resolve(site + "/index.html"), "site " + site + "\n");
        }
        String yaml = """
                app: { enabled: false }
                edge:
                  http: { port: 0 }
                  https: { enabled: false }
                  sites:
                    - hosts: [www.reload.test]
                      root: %s
                dns: { enabled: false }
                """;
        Path file = Files.writeString(dir.resolve("webstack.yaml"), yaml.formatted("one"));
        try (WebstackProcess up = WebstackProcess.start(dir, "up", "-c", file.toString())) {
            int port = up.awaitReadyPorts()[0];
            String url = "http://127.0.0.1:" + port + "/";
            assertThat(StackIT.curl("-s", "-H", "Host: www.reload.test", url)[1]).isEqualTo("site one\n");

            Files.writeString(file, yaml.formatted("two"));
            WebstackProcess reload = WebstackProcess.run(dir, "reload", "-c", file.toString());
            assertThat(reload.waitFor()).as(reload.output()).isZero();
            assertThat(reload.output()).contains("edge sites reloaded: 1 site(s)");
            assertThat(StackIT.curl("-s", "-H", "Host: www.reload.test", url)[1]).isEqualTo("site two\n");

            Files.writeString(file, yaml.formatted("two").replace("root: two", "root: two\n      proxy: nowhere"));
            WebstackProcess broken = WebstackProcess.run(dir, "reload", "-c", file.toString());
            assertThat(broken.waitFor()).isEqualTo(2);
            assertThat(broken.output()).contains("'nowhere' is not an upstream pool", "nothing was reloaded");
            assertThat(StackIT.curl("-s", "-H", "Host: www.reload.test", url)[1]).isEqualTo("site two\n");
            assertThat(up.terminate()).isZero();
        }
    }

    @Test
    void aZoneThatDoesNotLoadIsRefusedBeforeAnythingStarts() throws Exception {
        Path file = config();
        Files.writeString(dir.resolve("example.org.zone"), """
                $TTL 300
                @    IN SOA ns1 hostmaster 1 3600 900 1209600 300
                @    IN NS  ns1
                www  IN CNAME @
                www  IN A   192.0.2.1
                out.example.com. IN A 192.0.2.2
                """);
        WebstackProcess up = WebstackProcess.run(dir, "up", "-c", file.toString());
        assertThat(up.waitFor()).isEqualTo(2);
        assertThat(up.output())
                .contains("example.org.zone:5: A at www.example.org. beside the CNAME at "
                        + dir.resolve("example.org.zone") + ":4 (expected: a CNAME alone at its name)")
                .contains("example.org.zone:6: out.example.com. is outside the zone's origin")
                .contains("nothing was started")
                .doesNotContain("ready");
    }

    /** One client asking over and over, each query waiting for its answer: how many went unanswered. */
    private static final class QueryLoad {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final InetSocketAddress server;
        private Thread thread;

        QueryLoad(InetSocketAddress server) {
            this.server = server;
        }

        void start() {
            thread = new Thread(() -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.setSoTimeout(1000);
                    Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), Type.A,
                            DClass.IN));
                    byte[] buffer = new byte[1500];
                    // Bounded: at most 200 000 queries, or until stopped. Each answer must be this query's (its
                    // id), NOERROR, with the A record: a reload may never show an empty or missing zone.
                    for (int i = 0; i < 200_000 && running.get(); i++) {
                        query.getHeader().setID(i & 0xffff);
                        byte[] wire = query.toWire();
                        socket.send(new DatagramPacket(wire, wire.length, server));
                        sent.incrementAndGet();
                        try {
                            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                            socket.receive(packet);
                            Message answer = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
                            if (answer.getHeader().getID() != (i & 0xffff) || answer.getRcode() != 0
                                    || answer.getSection(1).isEmpty()) {
                                wrong.incrementAndGet();
                            }
                        } catch (SocketTimeoutException e) {
                            lost.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    lost.incrementAndGet();
                }
            }, "dns-load");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
