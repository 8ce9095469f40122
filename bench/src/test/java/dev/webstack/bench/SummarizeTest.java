package dev.webstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/run --summarize}: from the measurements a run leaves behind (canned here: every round of every suite,
 * the failover and deploy runs), the summary the report writer draws. Warm-ups, disturbed and failed rounds are not
 * counted; medians, spreads and the share of requests answered are what the rounds give.
 */
class SummarizeTest {
    private static final Path SCRIPT = Path.of("run").toAbsolutePath();
    private static final Path CANNED = Path.of("src/test/resources/canned-run").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everySuiteGivesItsRowsFromTheCountedRounds() throws Exception {
        List<String> summary = summarize(CANNED);
        assertThat(summary).containsExactly(
                String.join("\t", Summary.COLUMNS),
                // the warm-up (round 0) and the disturbed attempt of round 3 left out: 100000, 110000, 90000
                "static\tstatic 1 KiB\treq/s\t100000\tnginx 1.22.1\t82000\t1.5\t1.0\t20.0\t4.9\t3/3, 3/3\t",
                // webstack's round 2 had errors: one round counted, and the table says so
                "static\tstatic 100 KiB\treq/s\t30000\tnginx 1.22.1\t32500\t2.5\t2.25\t0.0\t3.1\t1/2, 2/2\t",
                "dns\tdns mix, UDP\tq/s\t146000\tNSD 4.6.1\t150000\t\t\t6.8\t13.3\t3/3, 3/3\t"
                        + "dnsperf gives no p99; average latency 0.200 vs 0.210 ms",
                "proxy\tproxy 1 KiB\treq/s\t49000\tnginx 1.22.1\t61000\t2.2\t1.65\t4.1\t3.3\t2/2, 2/2\t"
                        + "the backend alone: 71000 req/s",
                "proxy\tproxy 1 KiB\treq/s\t49000\tHAProxy 2.6.12\t45000\t2.2\t2.1\t4.1\t4.4\t2/2, 2/2\t"
                        + "the backend alone: 71000 req/s",
                // socket errors count as attempts without an answer; the share is rounded down (99.9994 -> 99.99)
                "proxy\tfailover (backend killed)\t% requests OK\t100.00\tnginx 1.22.1\t99.99\t5.21\t1.83\t\t\t"
                        + "1 run each\tfailed 0 of 400000 vs 3 of 500000 (non-2xx/3xx and socket errors);"
                        + " the dead server taken out after 0.030 s vs 0.002 s",
                // wrk gave no p99 ("-"): not measured
                "proxy\tfailover (backend killed)\t% requests OK\t100.00\tHAProxy 2.6.12\t99.99\t5.21\t\t\t\t"
                        + "1 run each\tfailed 0 of 400000 vs 12 of 450000 (non-2xx/3xx and socket errors);"
                        + " the dead server taken out after 0.030 s vs 0.939 s",
                "e2e\tend to end, home page\treq/s\t870\tnginx 1.22.1\t945\t325\t305\t2.3\t1.1\t2/2, 2/2\t",
                "e2e\tzero-downtime restart\t% requests OK\t99.99\tplain stop and start\t38.08\t300\t1230\t\t\t"
                        + "1 run each\twebstack restart app (rolling): failed 1 of 16000; SIGTERM to both instances,"
                        + " started again by the app tier: failed 13005 of 21000, no instance in the pool for 6.43 s");
    }

    @Test
    void aRestartThatFailedOrOutlastedTheLoadIsSaidSo() throws Exception {
        copyCanned();
        Path counted = dir.resolve("e2e-deploy-counted.tsv");
        List<String> lines = new ArrayList<>(Files.readAllLines(counted));
        String[] rolling = lines.get(0).split("\t", -1);
        rolling[9] = "1"; // the restart command's exit code
        rolling[15] = "12.00"; // wrk ended 12 s after the restart began; it took 13.80 s
        lines.set(0, String.join("\t", rolling));
        Files.write(counted, lines);

        String restart = summarize(dir).get(9);
        assertThat(restart).startsWith("e2e\tzero-downtime restart\t").endsWith("no instance in the pool for 6.43 s"
                + "; the restart command FAILED (exit 1); wrk ended 12.00 s after the restart began, before it"
                + " finished (13.80 s): its end was not under load");
    }

    @Test
    void theReportWriterTakesTheSummaryAsItIs() throws Exception {
        Path summary = dir.resolve("summary.tsv");
        Files.write(summary, summarize(CANNED));
        Path meta = Files.writeString(dir.resolve("meta.tsv"), "date\t2026-11-28 05:30 UTC\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Report.run(new String[] {"--summary", summary.toString(), "--meta", meta.toString(), "--out-dir",
                dir.resolve("out").toString(), "--name", "bench"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("| static 1 KiB | req/s | 100000 | nginx 1.22.1 | 82000 | **1.22** | 1.50 | 1.00 | 20.0 % |")
                .contains("Furthest behind its peer: proxy 1 KiB vs nginx 1.22.1 (0.80).");
        assertThat(dir.resolve("out/bench.png")).isNotEmptyFile();
    }

    @Test
    void aFolderWithoutMeasurementsGivesTheHeaderAndAMissingFolderAnError() throws Exception {
        assertThat(summarize(dir)).containsExactly(String.join("\t", Summary.COLUMNS));

        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "--summarize", dir.resolve("nothing").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("--summarize: no folder " + dir.resolve("nothing"));
    }

    private void copyCanned() throws IOException {
        try (Stream<Path> files = Files.list(CANNED)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    private static List<String> summarize(Path folder) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "--summarize", folder.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out.lines().toList();
    }
}
