package dev.webstack.site.web;

import dev.webstack.site.data.DatabaseUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes every error answer of the site, and nothing else does: an HTML page in the site's layout, or under
 * /api a JSON body {@code {"error": "...", "fields": {...}}}. Expected refusals arrive as {@link HttpError};
 * Javalin's own (unknown route, wrong method, body over the limit) as {@link HttpResponseException}; a lost
 * database as {@link DatabaseUnavailableException} (503); anything else is a bug: a 500 that shows a short id
 * and logs the stack trace under the same id, never showing it to the visitor.
 */
final class ErrorResponses {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());
    private static final SecureRandom IDS = new SecureRandom();

    private final Templates templates;

    ErrorResponses(Templates templates) {
        this.templates = templates;
    }

    void httpError(HttpError e, Context ctx) {
        e.headers().forEach(ctx::header);
        answer(ctx, e.status(), e.getMessage(), e.fields());
    }

    void javalinError(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        String message = switch (status) {
            case 404 -> isApiLike(ctx) ? "not found" : "There is no page at this address.";
            case 405 -> "this address does not accept " + ctx.method().name() + " requests";
            case 413 -> "The request is too large (limit: " + RequestChecks.MAX_BODY_BYTES
                    + " bytes). A post may have at most 20000 characters.";
            default -> status >= 500 ? "Something went wrong on our side." : "The request could not be understood.";
        };
        answer(ctx, status, message, Map.of());
    }

    void databaseUnavailable(DatabaseUnavailableException e, Context ctx) {
        LOG.warning(() -> ctx.method() + " " + ctx.path() + ": 503: " + e.getMessage());
        ctx.header("Retry-After", "10");
        answer(ctx, 503, isApiLike(ctx) ? "database unavailable, try again shortly"
                : "The site cannot reach its database right now. Please try again in a minute.", Map.of());
    }

    void unexpected(Exception e, Context ctx) {
        String id = HexFormat.of().formatHex(randomBytes());
        LOG.log(Level.SEVERE, ctx.method() + " " + ctx.path() + ": 500 error " + id, e);
        answer(ctx, 500, isApiLike(ctx) ? "internal error " + id
                : "Something went wrong on our side. If it keeps happening, mention error " + id + ".", Map.of());
    }

    private void answer(Context ctx, int status, String message, Map<String, String> fields) {
        if (isApiLike(ctx)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            if (!fields.isEmpty()) {
                body.put("fields", fields);
            }
            ctx.status(status).json(body);
            return;
        }
        Frame frame = Visitor.frameWithoutDatabase(ctx, heading(status));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("frame", frame);
        params.put("status", status);
        params.put("heading", heading(status));
        params.put("message", message);
        templates.render(ctx, status, "error.jte", params);
    }

    private static boolean isApiLike(Context ctx) {
        return RequestChecks.isApi(ctx);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4];
        IDS.nextBytes(bytes);
        return bytes;
    }

    private static String heading(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Please log in";
            case 403 -> "Not allowed";
            case 404 -> "Page not found";
            case 405 -> "Method not allowed";
            case 413 -> "Too large";
            case 415 -> "Unsupported content type";
            case 422 -> "Please check the form";
            case 429 -> "Too many attempts";
            case 503 -> "Temporarily unavailable";
            default -> status >= 500 ? "Something went wrong" : "Request refused";
        };
    }
}
