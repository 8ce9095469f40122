package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket over a real unix socket: who may reach it, what a request may be, and how many at once. */
class AdminSocketTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int call(List<String> request) {
        return AdminClient.call(dir, request, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void answersLineByLineWithTheExitCodeAndOnlyItsOwnerMayReachIt() throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> {
            seen.add(request);
            o.println("first line");
            e.println("a warning");
            o.println("second line");
            return 3;
        })) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(AdminSocket.FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            assertThat(call(List.of("deploy", "--command", "/srv/site v2.sh"))).isEqualTo(3);

            assertThat(seen).containsExactly(List.of("deploy", "--command", "/srv/site v2.sh"));
            assertThat(out.toString()).isEqualTo("first line\nsecond line\n");
            assertThat(err.toString()).isEqualTo("a warning\n");
        }
        assertThat(dir.resolve(AdminSocket.FILE)).doesNotExist();
    }

    @Test
    void anArgumentWithALineBreakIsRefusedBeforeSending() throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> {
            seen.add(request);
            return 0;
        })) {
            assertThat(call(List.of("deploy", "--command", "a\nb"))).isEqualTo(2);
            assertThat(err.toString()).contains("may not be empty or hold a line break");
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void aRequestBeyondItsSizeIsCutOffWithoutBeingHeldWhole() throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> {
            seen.add(request);
            return 0;
        }); SocketChannel flood = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            flood.connect(UnixDomainSocketAddress.of(dir.resolve(AdminSocket.FILE)));
            ByteBuffer chunk = ByteBuffer.wrap("x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            try {
                for (int i = 0; i < 64; i++) { // 4 MiB of one line at most; the stack stops reading at 64 KiB
                    chunk.rewind();
                    sent += flood.write(chunk);
                }
            } catch (java.io.IOException e) {
                // the stack hung up on us: what this test wants
            }
            assertThat(sent).isLessThan(4L << 20);
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void anOversizedRequestGetsAClearErrorAndNeverReachesTheHandler() throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> {
            seen.add(request);
            return 0;
        })) {
            assertThat(call(List.of("status", "x".repeat(10_000)))).isEqualTo(2);
            assertThat(err.toString()).contains("a request is lines of text");
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void beyondFourRequestsAtOnceTheNextIsToldTheStackIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(4);
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> {
            inside.countDown();
            release.await(30, TimeUnit.SECONDS);
            return 0;
        })) {
            List<Thread> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> AdminClient.call(dir, List.of("restart", "app"),
                        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
                t.start();
                slow.add(t);
            }
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(call(List.of("status"))).isEqualTo(1);
            assertThat(err.toString()).contains("busy with 4 admin requests");

            release.countDown();
            for (Thread t : slow) {
                t.join(10_000);
            }
        }
    }

    @Test
    void aClientThatSendsNoWholeRequestIsCutOffAndFreesItsSlot() throws Exception {
        try (AdminSocket socket = AdminSocket.open(dir, (request, o, e) -> 0);
                SocketChannel idle = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            idle.connect(UnixDomainSocketAddress.of(dir.resolve(AdminSocket.FILE)));
            idle.write(ByteBuffer.wrap("status".getBytes(StandardCharsets.UTF_8))); // no line end, no blank line
            ByteBuffer answer = ByteBuffer.allocate(256);
            int n = idle.read(answer); // blocks until the stack closes it
            assertThat(n).as("closed without an answer").isEqualTo(-1);
            assertThat(call(List.of("status"))).isZero();
        }
    }
}
