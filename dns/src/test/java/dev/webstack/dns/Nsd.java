package dev.webstack.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Test fixture: NSD from Debian's package, the peer, serving the same zone files from a private folder on a free
 * loopback port, in the foreground, as the current user, with response-rate limiting off. Stopped by its PID.
 */
final class Nsd implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;
    private final Path folder;

    private Nsd(Process process, InetSocketAddress address, Path folder) {
        this.process = process;
        this.address = address;
        this.folder = folder;
    }

    static Nsd start(Path folder, int port, String... origins) throws Exception {
        StringBuilder conf = new StringBuilder()
                .append("server:\n")
                .append("    username: \"\"\n")
                .append("    ip-address: 127.0.0.1@").append(port).append('\n')
                .append("    port: ").append(port).append('\n')
                .append("    zonesdir: \"").append(folder).append("\"\n")
                .append("    pidfile: \"").append(folder.resolve("nsd.pid")).append("\"\n")
                .append("    database: \"\"\n")
                .append("    zonelistfile: \"").append(folder.resolve("zone.list")).append("\"\n")
                .append("    xfrdfile: \"").append(folder.resolve("xfrd.state")).append("\"\n")
                .append("    xfrdir: \"").append(folder).append("\"\n")
                .append("    logfile: \"").append(folder.resolve("nsd.log")).append("\"\n")
                .append("    verbosity: 1\n")
                .append("    server-count: 1\n")
                .append("    rrl-ratelimit: 0\n")
                .append("    rrl-whitelist-ratelimit: 0\n")
                .append("remote-control:\n")
                .append("    control-enable: no\n");
        for (String origin : origins) {
            Files.copy(TestDns.zoneFile(origin), folder.resolve(origin + ".zone"));
            conf.append("zone:\n    name: \"").append(origin).append("\"\n    zonefile: \"").append(origin)
                    .append(".zone\"\n");
        }
        Path confFile = folder.resolve("nsd.conf");
        Files.writeString(confFile, conf);
        String binary = Files.isExecutable(Path.of("/usr/sbin/nsd")) ? "/usr/sbin/nsd" : "nsd";
        Process process = new ProcessBuilder(binary, "-d", "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("nsd.out").toFile())
                .start();
        Nsd nsd = new Nsd(process, new InetSocketAddress("127.0.0.1", port), folder);
        nsd.awaitReady(origins[0]);
        return nsd;
    }

    private void awaitReady(String origin) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Message probe = Message.newQuery(Record.newRecord(Name.fromString(origin + "."), Type.SOA, DClass.IN));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("nsd exited with " + process.exitValue() + ": " + log());
            }
            byte[] answer = TestDns.udp(address, probe.toWire(), 200);
            if (answer != null && new Message(answer).getSection(1).size() == 1) {
                return;
            }
        }
        close();
        throw new IOException("nsd did not answer within 20 s: " + log());
    }

    private String log() throws IOException {
        Path out = folder.resolve("nsd.out");
        Path log = folder.resolve("nsd.log");
        return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
