package dev.webstack.bench;

import java.util.Locale;

/**
 * One row of the summary: webstack and one peer measured on the same scenario. Every metric is higher-is-better; a
 * {@code null} number was not measured.
 */
record Comparison(
        String suite,
        String scenario,
        String metric,
        Double webstack,
        String peer,
        Double peerValue,
        Double webstackP99Ms,
        Double peerP99Ms,
        Double webstackSpreadPct,
        Double peerSpreadPct,
        String rounds,
        String note) {

    /** webstack / peer; {@code null} when either was not measured or the peer's value is 0. */
    Double ratio() {
        if (webstack == null || peerValue == null || peerValue == 0) {
            return null;
        }
        return webstack / peerValue;
    }

    /** The ratio as the report prints it: two decimals, or "n/a". */
    String ratioText() {
        Double ratio = ratio();
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
