package dev.webstack.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The report as markdown: the run's meta as bullets, one table row per comparison, the chart, the scenario furthest
 * behind its peer and links to the suites' detailed reports.
 */
final class Markdown {
    private static final String TABLE_HEADER = "| scenario | metric | webstack | peer | peer's | webstack / peer"
            + " | webstack p99 ms | peer p99 ms | webstack spread | peer spread | rounds | note |";
    private static final String TABLE_ALIGN = "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|";

    private Markdown() {
    }

    /** The whole report; {@code chartFile} is the PNG's name, next to the markdown file. */
    static String render(Summary summary, Meta meta, String chartFile) {
        StringBuilder md = new StringBuilder("# Benchmark: webstack vs its peers\n\n");
        List<String> bullets = meta.bullets();
        for (String bullet : bullets) {
            md.append("- ").append(bullet).append('\n');
        }
        if (!bullets.isEmpty()) {
            md.append('\n');
        }
        md.append(TABLE_HEADER).append('\n').append(TABLE_ALIGN).append('\n');
        if (summary.rows().isEmpty()) {
            List<String> cells = new ArrayList<>(Collections.nCopies(12, ""));
            cells.set(0, "*no comparison with a peer was measured*");
            md.append(row(cells));
        }
        for (Comparison c : summary.rows()) {
            md.append(row(List.of(cell(c.scenario()), cell(c.metric()), value(c.metric(), c.webstack()),
                    cell(c.peer()), value(c.metric(), c.peerValue()),
                    c.ratio() == null ? "n/a" : "**" + c.ratioText() + "**",
                    fixed(c.webstackP99Ms(), 2, ""), fixed(c.peerP99Ms(), 2, ""),
                    fixed(c.webstackSpreadPct(), 1, " %"), fixed(c.peerSpreadPct(), 1, " %"),
                    cell(c.rounds()), cell(c.note()))));
        }
        md.append("\nwebstack / peer: above 1 webstack is ahead; every metric is higher-is-better;"
                + " spread = (max − min) / median over the rounds.\n");
        md.append("\n![webstack / peer, by scenario](").append(chartFile.replace(" ", "%20")).append(")\n");
        summary.furthestBehind().ifPresent(c -> md.append('\n')
                .append(c.ratio() < 1 ? "Furthest behind its peer: " : "Ahead of every peer; the closest: ")
                .append(c.scenario()).append(" vs ").append(c.peer())
                .append(" (").append(c.ratioText()).append(").\n"));
        if (!meta.details().isEmpty()) {
            md.append("\n## Details\n\n");
            for (String detail : meta.details()) {
                md.append("- [").append(detail).append("](").append(detail.replace(" ", "%20")).append(")\n");
            }
        }
        return md.toString();
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /** Text for a table cell: a {@code |} would end the cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** Rates (req/s, q/s) are whole numbers; anything else, such as "% requests OK", has two decimals. */
    private static String value(String metric, Double value) {
        return fixed(value, metric.endsWith("/s") ? 0 : 2, "");
    }

    private static String fixed(Double value, int decimals, String unit) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value) + unit;
    }
}
