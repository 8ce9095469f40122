package dev.webstack.site.web;

import dev.webstack.site.sessions.Session;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The checks every request passes before its route runs, in this order: body size, then, for unsafe methods,
 * the CSRF defence. Each check either returns (the request goes on) or throws an {@link HttpError}.
 *
 * <p>CSRF, forms: the body must be {@value #FORM_TYPE} in UTF-8 (else 415, before a byte of it is parsed: no
 * multipart parser, no temporary files for anyone who has not passed the check); it is then read whole (400 when
 * it cannot be, 413 when a chunked one outgrows the limit), and its hidden field {@value #FORM_FIELD} must equal
 * the session's token, or without a session the visitor's CSRF cookie (see {@link Visitor}); else 403. CSRF, API:
 * an unsafe call must come with a logged-in session (else 401) and the header {@value #API_HEADER} equal to the
 * session's token (else 403); a body must be {@code application/json} (else 415). Another site can make a browser
 * send neither a custom header nor a JSON body without a CORS preflight, which this site never grants. The token
 * is read from {@code GET /api/session}.
 */
final class RequestChecks {

    /** Largest request body accepted (bytes): room for a 20,000-character post in 4-byte characters, form-encoded. */
    static final long MAX_BODY_BYTES = 256 * 1024;
    static final String FORM_FIELD = "_csrf";
    static final String FORM_TYPE = "application/x-www-form-urlencoded";
    static final String API_HEADER = "X-CSRF-Token";

    private RequestChecks() {
    }

    /**
     * Refuses a declared body over the limit (413); one of up to {@link #DRAIN_MAX_BYTES} is read and discarded first.
     * Chunked bodies are measured as they are read (see {@link #readForm}; for the API, Javalin's own limit).
     */
    static void bodySize(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            if (declared <= DRAIN_MAX_BYTES) {
                drain(ctx);
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
        readForm(ctx);
        if (!Visitor.of(ctx).acceptsCsrf(ctx.formParam(FORM_FIELD))) {
            throw HttpError.forbidden("This form has expired or was not sent from this site."
                    + " Go back, reload the page and try again.");
        }
    }

    /**
     * Refuses any body but a UTF-8 urlencoded form (415), then parses it once (Javalin keeps the result for the
     * handler), so that a body that cannot be read is a 400 here rather than a 500 wherever a field is first read,
     * and a chunked one over the limit a 413.
     */
    private static void readForm(Context ctx) {
        String type = contentType(ctx);
        if (!isUtf8Form(type)) {
            String given = type == null ? "none" : type.length() > 100 ? type.substring(0, 100) + "..." : type;
            throw refuseUnread(ctx, 415, "A form must be sent as " + FORM_TYPE + " in UTF-8 (got: " + given + ").");
        }
        try {
            ctx.formParamMap();
        } catch (HttpResponseException e) {
            if (e.getStatus() != 413) {
                throw e;
            }
            // Javalin stopped reading a chunked body at the limit
            throw refuseUnread(ctx, 413, "The request is too large (limit: " + MAX_BODY_BYTES
                    + " bytes). A post may have at most 20000 characters.");
        } catch (Exception e) {
            // the body ended early or broke its framing (Jetty's EofException, BadMessageException)
            throw refuseUnread(ctx, 400, "The form could not be read: the request ended early or was malformed."
                    + " Go back and try again.");
        }
    }

    /**
     * An answer to a request whose body is not (wholly) read: what is left is read and discarded, up to
     * {@link #DRAIN_MAX_BYTES}, and the connection closed after the answer. Without the first, closing with unread
     * bytes can reset the connection and the client never sees the page; without the second, a client would send
     * its next request on a connection that Jetty, with the body unfinished, is about to close.
     */
    private static HttpError refuseUnread(Context ctx, int status, String message) {
        drain(ctx);
        return new HttpError(status, message, Map.of(), Map.of("Connection", "close"));
    }

    /** As nginx's lingering close: reads what the client is still sending, at most {@link #DRAIN_MAX_BYTES}. */
    private static void drain(Context ctx) {
        byte[] buffer = new byte[8192];
        long total = 0;
        try (InputStream in = ctx.req().getInputStream()) {
            int n;
            while (total < DRAIN_MAX_BYTES && (n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or broke the framing: the answer is for nobody, or is a 400 anyway
        }
    }

    /**
     * The media type, then at most a {@code charset} of UTF-8 (quotes allowed); any other parameter is refused too,
     * so that the charset Javalin decodes with is the one checked here.
     */
    static boolean isUtf8Form(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        if (!parts[0].trim().equalsIgnoreCase(FORM_TYPE)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                return false;
            }
            String value = parameter.substring(equals + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!value.equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }

    private static void apiCsrf(Context ctx) {
        Session session = Visitor.of(ctx).session().filter(Session::isLoggedIn)
                .orElseThrow(() -> HttpError.unauthorized("log in first"));
        if (!session.acceptsCsrf(ctx.header(API_HEADER))) {
            throw HttpError.forbidden("missing or wrong " + API_HEADER + " header (get the token from GET /api/session)");
        }
        HandlerType method = ctx.method();
        if ((method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH) && !isJson(ctx)) {
            String given = contentType(ctx) == null ? "none" : contentType(ctx);
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
        String type = contentType(ctx);
        if (type == null) {
            return false;
        }
        String mediaType = type.split(";", 2)[0].trim();
        return mediaType.equalsIgnoreCase("application/json");
    }

    /** The header as sent: Jetty's getContentType (behind ctx.contentType()) throws on a charset the JDK lacks. */
    private static String contentType(Context ctx) {
        return ctx.header("Content-Type");
    }
}
