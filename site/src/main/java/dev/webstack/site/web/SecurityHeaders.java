package dev.webstack.site.web;

import io.javalin.http.Context;

/**
 * Headers on every answer that close whole classes of attack: no MIME sniffing, no framing (clickjacking), a
 * Content-Security-Policy that allows scripts, styles and images from this origin only and no inline script, so
 * an escaping mistake cannot become script execution.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "same-origin");
        if (!ctx.path().startsWith("/static/")) {
            // pages carry the visitor's name and CSRF token: no shared caches
            ctx.header("Cache-Control", "no-store");
        }
    }
}
