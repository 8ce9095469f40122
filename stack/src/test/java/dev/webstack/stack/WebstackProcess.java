package dev.webstack.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./webstack ARGS} run as a user runs it, from the repository root's launcher (with the
 * build Maven just made), its output collected line by line.
 */
final class WebstackProcess implements AutoCloseable {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Pattern READY = Pattern.compile("edge\\s+ready\\s+http [^:]+:(\\d+)(?:, https [^:]+:(\\d+))?");

    private static final Pattern DNS_READY = Pattern.compile("dns\\s+ready\\s+udp\\+tcp [^ ]+:(\\d+),");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private WebstackProcess(Process process) {
        this.process = process;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "webstack-output");
        t.setDaemon(true);
        t.start();
        this.reader = t;
    }

    static WebstackProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, null, args);
    }

    static WebstackProcess start(Path workDir, Path input, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(REPO.resolve("webstack").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        pb.environment().put("WEBSTACK_SKIP_BUILD", "1");
        return new WebstackProcess(pb.start());
    }

    /** Runs a command to its end (bounded) and returns its exit code; output via {@link #output()}. */
    static WebstackProcess run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, null, args);
    }

    /** As {@link #run(Path, String...)}, with standard input read from {@code input}. */
    static WebstackProcess run(Path workDir, Path input, String... args) throws IOException, InterruptedException {
        WebstackProcess p = start(workDir, input, args);
        if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
            p.process.destroyForcibly();
            throw new AssertionError("webstack " + String.join(" ", args) + " did not end within 60 s");
        }
        p.reader.join(10_000);
        return p;
    }

    /** Waits (bounded) for a line containing {@code text}; fails with everything seen so far. */
    String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.contains(text)) {
                    return l;
                }
            } else if (!process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no line with '" + text + "' from webstack; output was:\n" + String.join("\n", seen));
    }

    /** The ports of the ready line: {http, https}. */
    int[] awaitReadyPorts() throws InterruptedException {
        Matcher m = READY.matcher(awaitLine("edge  ready"));
        if (!m.find()) {
            throw new AssertionError("unexpected ready line: " + seen.get(seen.size() - 1));
        }
        return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? -1 : Integer.parseInt(m.group(2))};
    }

    /** The port of the DNS ready line ({@code dns   ready   udp+tcp 127.0.0.1:5353, ...}). */
    int awaitDnsPort() throws InterruptedException {
        Matcher m = DNS_READY.matcher(awaitLine("dns   ready"));
        if (!m.find()) {
            throw new AssertionError("unexpected dns ready line: " + seen.get(seen.size() - 1));
        }
        return Integer.parseInt(m.group(1));
    }

    /** Everything printed so far. */
    String output() {
        lines.drainTo(seen);
        return String.join("\n", seen);
    }

    /** Sends SIGTERM, as a service manager does, and waits (bounded) for the exit code. */
    int terminate() throws InterruptedException, IOException {
        return signal("TERM");
    }

    /** Sends a signal by pid ({@code Process.destroy} would also close our end of its output) and waits for the exit code. */
    int signal(String name) throws InterruptedException, IOException {
        send(name);
        return waitFor();
    }

    /** Sends a signal by pid and returns at once. */
    void send(String name) throws InterruptedException, IOException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("webstack did not stop within 30 s; output:\n" + output());
        }
        reader.join(10_000); // all of its output read
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Stops the stack if it still runs: SIGTERM first, so that it stops its app instances and its MariaDB (in
     * sessions of their own, they would outlive a SIGKILL), then SIGKILL if it has not stopped within 30 s.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM, as `kill` sends it
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
