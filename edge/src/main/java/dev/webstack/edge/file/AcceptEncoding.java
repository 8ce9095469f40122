package dev.webstack.edge.file;

/** Reads {@code Accept-Encoding} (RFC 9110 §12.5.3): whether a coding is acceptable, q-values and {@code *} included. */
final class AcceptEncoding {
    private AcceptEncoding() {}

    static boolean accepts(String header, String coding) {
        double star = -1;
        for (String part : header.split(",")) {
            String p = part.trim();
            int semi = p.indexOf(';');
            String name = (semi < 0 ? p : p.substring(0, semi)).trim();
            double q = semi < 0 ? 1 : quality(p.substring(semi + 1));
            if (name.equalsIgnoreCase(coding)) {
                return q > 0;
            }
            if (name.equals("*")) {
                star = q;
            }
        }
        return star > 0;
    }

    private static double quality(String params) {
        for (String param : params.split(";")) {
            String t = param.trim();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                try {
                    return Double.parseDouble(t.substring(2));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
