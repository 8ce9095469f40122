package dev.webstack.site.web;

import dev.webstack.site.sessions.Session;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The checks every request passes before its route runs, in this order: body size, then, for unsafe methods,
 * the CSRF defence. Each check either returns (the request goes on) or throws an {@link HttpError}.
 *
 * <p>CSRF, forms: every form carries the session's token in the hidden field {@value #FORM_FIELD}; a POST
 * whose field is missing or differs is a 403. CSRF, API: an unsafe call must come with a logged-in session
 * (else 401) and the header {@value #API_HEADER} equal to the session's token (else 403); a body must be
 * {@code application/json} (else 415). Another site can make a browser send neither a custom header nor a JSON
 * body without a CORS preflight, which this site never grants. The token is read from {@code GET /api/session}.
 */
final class RequestChecks {

    /** Largest request body accepted (bytes): room for a 20,000-character post in 4-byte characters, form-encoded. */
    static final long MAX_BODY_BYTES = 256 * 1024;
    static final String FORM_FIELD = "_csrf";
    static final String API_HEADER = "X-CSRF-Token";

    private RequestChecks() {
    }

    /**
     * Refuses a declared body over the limit (413); one of up to {@link #DRAIN_MAX_BYTES} is read and discarded first.
     * Javalin's own limit covers chunked bodies.
     */
    static void bodySize(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            if (declared <= DRAIN_MAX_BYTES) {
                // As nginx's lingering close: read what the client is still sending before answering, or closing
                // with unread bytes resets the connection and the browser shows a network error instead of the page.
                try (InputStream in = ctx.req().getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the client went away: the answer below is for nobody
                }
            }
            throw new HttpError(413, "The request is too large: " + declared + " bytes (limit: " + MAX_BODY_BYTES
                    + " bytes). A post may have at most 20000 characters.");
        }
    }

    /** Bodies over the limit up to this size are read and discarded so that the 413 page reaches the client. */
    static final long DRAIN_MAX_BYTES = 4L * 1024 * 1024;

    static void csrf(Context ctx) {
        if (!isUnsafe(ctx.method())) {
            return;
        }
        if (isApi(ctx)) {
            apiCsrf(ctx);
            return;
        }
        String given = ctx.formParam(FORM_FIELD);
        boolean accepted = Visitor.of(ctx).session().map(s -> s.acceptsCsrf(given)).orElse(false);
        if (!accepted) {
            throw HttpError.forbidden("This form has expired or was not sent from this site."
                    + " Go back, reload the page and try again.");
        }
    }

    private static void apiCsrf(Context ctx) {
        Session session = Visitor.of(ctx).session().filter(Session::isLoggedIn)
                .orElseThrow(() -> HttpError.unauthorized("log in first"));
        if (!session.acceptsCsrf(ctx.header(API_HEADER))) {
            throw HttpError.forbidden("missing or wrong " + API_HEADER + " header (get the token from GET /api/session)");
        }
        HandlerType method = ctx.method();
        if ((method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH) && !isJson(ctx)) {
            String given = ctx.contentType() == null ? "none" : ctx.contentType();
            throw new HttpError(415, "expected Content-Type: application/json (got: " + given + ")");
        }
    }

    static boolean isApi(Context ctx) {
        return ctx.path().equals("/api") || ctx.path().startsWith("/api/");
    }

    private static boolean isUnsafe(HandlerType method) {
        return method == HandlerType.POST || method == HandlerType.PUT
                || method == HandlerType.PATCH || method == HandlerType.DELETE;
    }

    private static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        String mediaType = type.split(";", 2)[0].trim();
        return mediaType.equalsIgnoreCase("application/json");
    }
}
