package dev.webstack.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Report run on canned measurements: the markdown, the chart's pixels, and the refusals. */
class ReportTest {
    private static final List<String> SIX_ROWS = List.of(
            row("static", "static 1 KiB", "req/s", "60123", "nginx 1.22.1", "57010", "2.31", "2.40", "1.2", "3.4",
                    "5/5, 5/5", ""),
            row("proxy", "proxy 1 KiB", "req/s", "33000", "nginx 1.22.1", "41000", "3.1", "2.5", "2.0", "1.5",
                    "5/5, 5/5", ""),
            row("proxy", "proxy 1 KiB", "req/s", "33000", "HAProxy 2.6.12", "40000", "3.1", "2.7", "2.0", "8.0",
                    "5/5, 5/5", ""),
            row("dns", "dns mix, UDP", "q/s", "110000", "NSD 4.6.1", "120000", "", "", "1.1", "0.9", "5/5, 5/5",
                    "dnsperf gives no p99"),
            row("e2e", "zero-downtime restart", "% requests OK", "99.77", "stop and start", "48.88", "180", "2001",
                    "", "", "1 run each", "46 failed of 19620 vs 11269 failed of 22045"),
            row("proxy", "failover, one of two backends killed", "% requests OK", "100", "nginx 1.22.1", "99.99",
                    "3.0", "3.2", "", "", "1 run each", "dead server out after 0.01 s vs 0.02 s"));
    private static final List<String> META = List.of(
            row("took", "41 min"),
            row("date", "2026-11-28 05:00"),
            row("detail", "static-2026-11-28-0500.md"),
            row("colour", "blue"),
            row("machine", "2 CPUs (Intel Xeon), kernel 6.1"),
            row("mode", "quick: 3 rounds of 5 s, 10 s warm-up"),
            row("detail", "proxy-2026-11-28-0500.md"));

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void markdownHasOneFormattedRowPerComparison() throws IOException {
        assertThat(report(SIX_ROWS, META)).isZero();

        String markdown = Files.readString(dir.resolve("out/bench.md"));
        assertThat(out.toString(UTF_8)).isEqualTo(markdown);
        assertThat(err.toString(UTF_8)).isEmpty();
        assertThat(markdown.lines()).containsSubsequence(
                "# Benchmark: webstack vs its peers",
                "- Date: 2026-11-28 05:00",
                "- Mode: quick: 3 rounds of 5 s, 10 s warm-up",
                "- Machine: 2 CPUs (Intel Xeon), kernel 6.1",
                "- Took: 41 min",
                "- colour: blue",
                "| scenario | metric | webstack | peer | peer's | webstack / peer | webstack p99 ms | peer p99 ms"
                        + " | webstack spread | peer spread | rounds | note |",
                "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
                "| static 1 KiB | req/s | 60123 | nginx 1.22.1 | 57010 | **1.05** | 2.31 | 2.40 | 1.2 % | 3.4 %"
                        + " | 5/5, 5/5 |  |",
                "| proxy 1 KiB | req/s | 33000 | nginx 1.22.1 | 41000 | **0.80** | 3.10 | 2.50 | 2.0 % | 1.5 %"
                        + " | 5/5, 5/5 |  |",
                "| dns mix, UDP | q/s | 110000 | NSD 4.6.1 | 120000 | **0.92** | n/a | n/a | 1.1 % | 0.9 %"
                        + " | 5/5, 5/5 | dnsperf gives no p99 |",
                "| zero-downtime restart | % requests OK | 99.77 | stop and start | 48.88 | **2.04** | 180.00"
                        + " | 2001.00 | n/a | n/a | 1 run each | 46 failed of 19620 vs 11269 failed of 22045 |",
                "| failover, one of two backends killed | % requests OK | 100.00 | nginx 1.22.1 | 99.99 | **1.00**"
                        + " | 3.00 | 3.20 | n/a | n/a | 1 run each | dead server out after 0.01 s vs 0.02 s |",
                "webstack / peer: above 1 webstack is ahead; every metric is higher-is-better;"
                        + " spread = (max − min) / median over the rounds.",
                "![webstack / peer, by scenario](bench.png)",
                "Furthest behind its peer: proxy 1 KiB vs nginx 1.22.1 (0.80).",
                "## Details",
                "- [static-2026-11-28-0500.md](static-2026-11-28-0500.md)",
                "- [proxy-2026-11-28-0500.md](proxy-2026-11-28-0500.md)");
        assertThat(markdown.lines().filter(line -> line.startsWith("| ")).count()).isEqualTo(1 + 6);
    }

    @Test
    void pipeInCellTextIsEscaped() throws IOException {
        assertThat(report(List.of(row("static", "static a|b", "req/s", "10", "nginx|1", "10", "", "", "", "",
                "", "x | y")), List.of())).isZero();

        assertThat(Files.readString(dir.resolve("out/bench.md")))
                .contains("| static a\\|b | req/s | 10 | nginx\\|1 | 10 | **1.00** | n/a | n/a | n/a | n/a |  | x \\| y |")
                .doesNotContain("- Date");
    }

    @Test
    void chartHasOneBandPerRowAndBarsColouredByRatio() throws IOException {
        assertThat(report(SIX_ROWS, META)).isZero();

        BufferedImage image = ImageIO.read(dir.resolve("out/bench.png").toFile());
        Chart chart = chart(SIX_ROWS);
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(Chart.HEADER + 6 * Chart.ROW + Chart.AXIS);
        assertThat(chart.axisMax()).isEqualTo(Chart.CAP); // 2.04 is past the cap
        assertThat(midBar(image, chart, 0, 1.05)).isEqualTo(Chart.GREEN);
        assertThat(midBar(image, chart, 1, 33000.0 / 41000)).isEqualTo(Chart.RED);
        assertThat(midBar(image, chart, 3, 110000.0 / 120000)).isEqualTo(Chart.AMBER);
        // drawn to the cap (its middle is on the dashed 1.0 line): three quarters along it
        assertThat(pixel(image, (int) (chart.xOf(0) + 3 * chart.xOf(99.77 / 48.88)) / 4, chart.rowCenterY(4)))
                .isEqualTo(Chart.GREEN);
        // past a bar's end, before its printed value, and far right of the plot: background
        assertThat(pixel(image, (int) chart.xOf(33000.0 / 41000) + 3, chart.rowCenterY(1))).isNotEqualTo(Chart.RED);
        assertThat(pixel(image, (int) chart.xOf(1.05) + 3, chart.rowCenterY(0))).isNotEqualTo(Chart.GREEN);
        assertThat(pixel(image, 995, chart.rowCenterY(4))).isNotEqualTo(Chart.GREEN);
    }

    @Test
    void ratioBeyondTheCapIsDrawnToTheCap() throws IOException {
        List<String> rows = List.of(
                row("static", "static 1 KiB", "req/s", "500", "nginx 1.22.1", "100", "", "", "", "", "", ""),
                row("static", "static 1 MiB", "req/s", "", "nginx 1.22.1", "100", "", "", "", "", "", ""));
        assertThat(report(rows, List.of())).isZero();

        BufferedImage image = ImageIO.read(dir.resolve("out/bench.png").toFile());
        Chart chart = chart(rows);
        assertThat(image.getHeight()).isEqualTo(Chart.HEADER + 2 * Chart.ROW + Chart.AXIS);
        assertThat(chart.axisMax()).isEqualTo(Chart.CAP);
        assertThat(chart.xOf(5.0)).isEqualTo(chart.xOf(Chart.CAP));
        int end = (int) chart.xOf(Chart.CAP);
        assertThat(pixel(image, end - 3, chart.rowCenterY(0))).isEqualTo(Chart.GREEN);
        assertThat(pixel(image, end + 3, chart.rowCenterY(0))).isNotEqualTo(Chart.GREEN);
        // the row with no ratio has no bar
        assertThat(midBar(image, chart, 1, 1.0)).isNotIn(Chart.GREEN, Chart.AMBER, Chart.RED);
    }

    @Test
    void aBarIsColouredByItsRatioAsPrinted() {
        assertThat(Chart.colorOf(0.9995)).isEqualTo(Chart.GREEN); // printed 1.00
        assertThat(Chart.colorOf(0.994)).isEqualTo(Chart.AMBER); // printed 0.99
        assertThat(Chart.colorOf(0.8951)).isEqualTo(Chart.AMBER); // printed 0.90
        assertThat(Chart.colorOf(0.894)).isEqualTo(Chart.RED);
    }

    @Test
    void axisMaxIsOneTickPastTheLargestRatio() {
        assertThat(chart(List.of(ratioRow("50", "100"))).axisMax()).isEqualTo(1.25);
        assertThat(chart(List.of(ratioRow("105", "100"))).axisMax()).isEqualTo(1.5);
        assertThat(chart(List.of(ratioRow("150", "100"))).axisMax()).isEqualTo(1.75);
        assertThat(chart(List.of(ratioRow("190", "100"))).axisMax()).isEqualTo(Chart.CAP);
    }

    @Test
    void emptySummarySaysNoScenarioWasRunAndStillCharts() throws IOException {
        assertThat(report(List.of(), META)).isZero();

        String markdown = Files.readString(dir.resolve("out/bench.md"));
        assertThat(markdown).contains("| *no comparison with a peer was measured* |", "![webstack / peer, by scenario](bench.png)")
                .doesNotContain("Furthest behind");
        BufferedImage image = ImageIO.read(dir.resolve("out/bench.png").toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(Chart.HEADER + Chart.ROW + Chart.AXIS);
    }

    static Stream<Arguments> badInput() {
        List<String> elevenFields = new ArrayList<>(SIX_ROWS);
        elevenFields.set(1, row("proxy", "proxy 1 KiB", "req/s", "33000", "nginx 1.22.1", "41000", "3.1", "2.5",
                "2.0", "1.5", "5/5, 5/5"));
        List<String> nonNumeric = new ArrayList<>(SIX_ROWS);
        nonNumeric.set(0, SIX_ROWS.get(0).replace("60123", "60,123"));
        List<String> metaWithoutTab = new ArrayList<>(META);
        metaWithoutTab.set(1, "date 2026-11-28");
        return Stream.of(
                Arguments.of("wrong header", "suite\tscenario\tmetric\n" + String.join("\n", SIX_ROWS), META,
                        "SUMMARY.tsv:1: header \"suite\\tscenario\\tmetric\" (expected: \"suite\\tscenario"),
                Arguments.of("a row of 11 fields", summaryText(elevenFields), META,
                        "SUMMARY.tsv:3: 11 fields (expected: 12, separated by tabs)"),
                Arguments.of("a non-numeric webstack value", summaryText(nonNumeric), META,
                        "SUMMARY.tsv:2: webstack: \"60,123\" (expected: a plain decimal number"),
                Arguments.of("a meta line without a tab", summaryText(SIX_ROWS), metaWithoutTab,
                        "META.tsv:2: \"date 2026-11-28\" (expected: key<TAB>value)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputWritesNothing(String name, String summary, List<String> meta, String message) throws IOException {
        Files.createDirectories(dir.resolve("out"));

        assertThat(run(summary, meta)).isEqualTo(2);

        assertThat(err.toString(UTF_8)).contains(message).hasLineCount(1);
        assertThat(out.toString(UTF_8)).isEmpty();
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void missingSummaryFileIsNamed() {
        int code = Report.run(new String[] {"--summary", dir.resolve("nope.tsv").toString(), "--meta",
                dir.resolve("nope-meta.tsv").toString(), "--out-dir", dir.resolve("out").toString(), "--name", "x"},
                print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(UTF_8)).isEqualTo("report: " + dir.resolve("nope.tsv") + ": no such file\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void unknownOptionPrintsUsage() {
        int code = Report.run(new String[] {"--summary", "s.tsv", "--meta", "m.tsv", "--out-dir", "out", "--name", "x",
                "--format", "html"}, print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(UTF_8)).isEqualTo("report: unknown option \"--format\"\n" + Report.USAGE + "\n");
    }

    @Test
    void missingRequiredOptionPrintsUsage() {
        int code = Report.run(new String[] {"--summary", "s.tsv", "--meta", "m.tsv", "--out-dir", "out"},
                print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(UTF_8)).isEqualTo("report: missing --name\n" + Report.USAGE + "\n");
    }

    private int report(List<String> rows, List<String> meta) throws IOException {
        return run(summaryText(rows), meta);
    }

    private int run(String summary, List<String> meta) throws IOException {
        Path summaryFile = Files.writeString(dir.resolve("SUMMARY.tsv"), summary);
        Path metaFile = Files.write(dir.resolve("META.tsv"), meta);
        return Report.run(new String[] {"--summary", summaryFile.toString(), "--meta", metaFile.toString(),
                "--out-dir", dir.resolve("out").toString(), "--name", "bench"}, print(out), print(err));
    }

    private static String summaryText(List<String> rows) {
        return Stream.concat(Stream.of(Summary.HEADER), rows.stream()).map(line -> line + "\n")
                .reduce("", String::concat);
    }

    private static Chart chart(List<String> rows) {
        List<String> lines = Stream.concat(Stream.of(Summary.HEADER), rows.stream()).toList();
        return new Chart(Summary.parse(Path.of("SUMMARY.tsv"), lines).rows(), Meta.EMPTY);
    }

    private static String ratioRow(String webstack, String peer) {
        return row("static", "static 1 KiB", "req/s", webstack, "nginx 1.22.1", peer, "", "", "", "", "", "");
    }

    /** The pixel half way along the bar of {@code ratio}, at its row's centre. */
    private static Color midBar(BufferedImage image, Chart chart, int row, double ratio) {
        return pixel(image, (int) ((chart.xOf(0) + chart.xOf(ratio)) / 2), chart.rowCenterY(row));
    }

    private static Color pixel(BufferedImage image, int x, int y) {
        return new Color(image.getRGB(x, y));
    }

    private static String row(String... fields) {
        return String.join("\t", fields);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, UTF_8);
    }
}
