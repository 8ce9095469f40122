package dev.webstack.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The report's chart: one band per comparison, its bar drawn from ratio 0 to webstack / peer, against a dashed line
 * at 1.0. The geometry is in package-visible methods, so a test can find a bar's pixels.
 *
 * <pre>
 *  webstack / peer — date · machine
 *                                       1.0 = as fast as the peer
 *  static 1 KiB — vs nginx 1.22.1     |██████████████████|█ 1.05
 *  proxy 1 KiB — vs nginx 1.22.1      |██████████████    |  0.80
 *                                     0   0.25  0.5  0.75  1   1.25
 * </pre>
 */
final class Chart {
    static final int WIDTH = 1000;
    static final int HEADER = 64;
    static final int ROW = 34;
    static final int AXIS = 44;
    /** A ratio beyond this is drawn to it, with its real value printed. */
    static final double CAP = 2.0;
    static final Color GREEN = new Color(0x2e7d32);
    static final Color AMBER = new Color(0xf9a825);
    static final Color RED = new Color(0xc62828);
    private static final Color TEXT = new Color(0x212121);
    private static final Color MUTED = new Color(0x757575);
    private static final Color GRID = new Color(0xe0e0e0);
    private static final Color BAND = new Color(0xf6f6f6);
    private static final int MARGIN = 16;
    private static final int PLOT_LEFT = 360;
    /** Leaves room for the value printed after a bar drawn to the cap. */
    private static final int PLOT_RIGHT = WIDTH - 80;
    private static final int BAR = 20;
    private static final double TICK = 0.25;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private final List<Comparison> rows;
    private final String subtitle;
    private final double axisMax;

    Chart(List<Comparison> rows, Meta meta) {
        this.rows = rows;
        this.subtitle = Stream.of(meta.value("date"), meta.value("machine"))
                .flatMap(Optional::stream)
                .collect(Collectors.joining(" · "));
        double maxRatio = rows.stream().map(Comparison::ratio).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).max().orElse(0);
        this.axisMax = Math.min(CAP, Math.max(1.25, Math.ceil(maxRatio * 4) / 4 + TICK));
    }

    int height() {
        return HEADER + Math.max(rows.size(), 1) * ROW + AXIS;
    }

    /** max(1.25, the largest ratio rounded up to a tick, plus a tick), at most {@link #CAP}. */
    double axisMax() {
        return axisMax;
    }

    /** The x of a ratio on the axis; a ratio beyond the axis maximum is at its end. */
    double xOf(double ratio) {
        return PLOT_LEFT + Math.min(Math.max(ratio, 0), axisMax) / axisMax * (PLOT_RIGHT - PLOT_LEFT);
    }

    int rowCenterY(int row) {
        return HEADER + row * ROW + ROW / 2;
    }

    /** By the ratio as printed (two decimals), so a bar labelled 1.00 is never coloured as behind. */
    static Color colorOf(double ratio) {
        double shown = Math.round(ratio * 100) / 100.0;
        return shown >= 1.0 ? GREEN : shown >= 0.9 ? AMBER : RED;
    }

    BufferedImage render() {
        BufferedImage image = new BufferedImage(WIDTH, height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height());
            int bands = Math.max(rows.size(), 1);
            int plotBottom = HEADER + bands * ROW;
            g.setColor(BAND);
            for (int row = 1; row < bands; row += 2) {
                g.fillRect(0, HEADER + row * ROW, WIDTH, ROW);
            }
            drawTitle(g);
            drawAxis(g, plotBottom);
            if (rows.isEmpty()) {
                g.setFont(FONT);
                g.setColor(MUTED);
                String text = "no measurements";
                g.drawString(text, (PLOT_LEFT + PLOT_RIGHT - g.getFontMetrics().stringWidth(text)) / 2,
                        baseline(g, rowCenterY(0)));
            }
            for (int row = 0; row < rows.size(); row++) {
                drawBar(g, row, rows.get(row));
            }
            drawParity(g, plotBottom);
            for (int row = 0; row < rows.size(); row++) {
                drawText(g, row, rows.get(row));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawTitle(Graphics2D g) {
        g.setColor(TEXT);
        g.setFont(TITLE_FONT);
        String title = "webstack / peer";
        g.drawString(title, MARGIN, 26);
        if (!subtitle.isEmpty()) {
            int x = MARGIN + g.getFontMetrics().stringWidth(title);
            g.setFont(FONT);
            g.setColor(MUTED);
            g.drawString(fit(g, " — " + subtitle, WIDTH - MARGIN - x), x, 26);
        }
    }

    /** Grid lines and ticks every 0.25 under the bars, labels below the last band. */
    private void drawAxis(Graphics2D g, int plotBottom) {
        g.setFont(SMALL_FONT);
        FontMetrics metrics = g.getFontMetrics();
        for (int i = 0; i * TICK <= axisMax + 1e-9; i++) {
            double ratio = i * TICK;
            double x = xOf(ratio);
            g.setColor(i == 0 ? MUTED : GRID);
            g.draw(new Line2D.Double(x, HEADER, x, plotBottom + 4));
            String label = tickLabel(ratio);
            g.setColor(MUTED);
            g.drawString(label, (float) (x - metrics.stringWidth(label) / 2.0), plotBottom + 18);
        }
        g.setColor(MUTED);
        g.draw(new Line2D.Double(PLOT_LEFT, plotBottom, PLOT_RIGHT, plotBottom));
        String caption = "webstack / peer (higher is better)";
        g.drawString(caption, (PLOT_LEFT + PLOT_RIGHT - metrics.stringWidth(caption)) / 2, plotBottom + 36);
    }

    private void drawBar(Graphics2D g, int row, Comparison comparison) {
        Double ratio = comparison.ratio();
        if (ratio == null) {
            return;
        }
        int centerY = rowCenterY(row);
        double end = xOf(ratio);
        g.setColor(colorOf(ratio));
        g.fill(new Rectangle2D.Double(PLOT_LEFT, centerY - BAR / 2.0, end - PLOT_LEFT, BAR));
        if (ratio > axisMax) {
            // a break in the bar: it goes on beyond the axis
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2f));
            for (int dx : new int[] {18, 12}) {
                g.draw(new Line2D.Double(end - dx - 3, centerY + BAR / 2.0, end - dx + 3, centerY - BAR / 2.0));
            }
            g.setStroke(new BasicStroke(1f));
        }
    }

    /** The row's label, and its ratio after the bar on a patch of background, so the 1.0 line does not cross it. */
    private void drawText(Graphics2D g, int row, Comparison comparison) {
        int centerY = rowCenterY(row);
        g.setFont(FONT);
        g.setColor(TEXT);
        String label = comparison.scenario() + " — vs " + comparison.peer();
        g.drawString(fit(g, label, PLOT_LEFT - 12 - MARGIN), MARGIN, baseline(g, centerY));
        Double ratio = comparison.ratio();
        double x = ratio == null ? PLOT_LEFT + 6 : xOf(ratio) + 6;
        String text = comparison.ratioText();
        FontMetrics metrics = g.getFontMetrics();
        g.setColor(row % 2 == 1 ? BAND : Color.WHITE);
        g.fill(new Rectangle2D.Double(x - 3, centerY - metrics.getAscent() / 2.0 - 2, metrics.stringWidth(text) + 6,
                metrics.getAscent() + 4));
        g.setColor(ratio == null ? MUTED : TEXT);
        g.drawString(text, (float) x, baseline(g, centerY));
    }

    /** The dashed line at 1.0, over the bars, and its label above the first band. */
    private void drawParity(Graphics2D g, int plotBottom) {
        double x = xOf(1.0);
        g.setColor(new Color(0x424242));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        g.draw(new Line2D.Double(x, HEADER - 4, x, plotBottom));
        g.setStroke(new BasicStroke(1f));
        g.setFont(SMALL_FONT);
        String label = "1.0 = as fast as the peer";
        g.drawString(label, (float) (x - g.getFontMetrics().stringWidth(label) / 2.0), HEADER - 10);
    }

    private static int baseline(Graphics2D g, int centerY) {
        FontMetrics metrics = g.getFontMetrics();
        return centerY + (metrics.getAscent() - metrics.getDescent()) / 2;
    }

    /** The text, cut and ended with … when it is wider than {@code width}. */
    private static String fit(Graphics2D g, String text, int width) {
        FontMetrics metrics = g.getFontMetrics();
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.offsetByCodePoints(cut.length(), -1));
        }
        return cut.stripTrailing() + "…";
    }

    private static String tickLabel(double ratio) {
        String text = String.format(Locale.ROOT, "%.2f", ratio);
        return text.endsWith("0") ? text.substring(0, text.length() - 1).replaceAll("\\.0$", "") : text;
    }
}
