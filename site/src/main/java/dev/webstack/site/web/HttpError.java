package dev.webstack.site.web;

import java.util.Map;

/**
 * An expected refusal, thrown by a handler and answered by {@link ErrorResponses}: an HTML page for pages, a
 * JSON body {@code {"error": message, "fields": {...}}} under /api.
 */
public final class HttpError extends RuntimeException {

    private final int status;
    private final Map<String, String> fields;
    private final Map<String, String> headers;

    public HttpError(int status, String message, Map<String, String> fields, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        // in the order given: the form's fields top to bottom
        this.fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        this.headers = Map.copyOf(headers);
    }

    public HttpError(int status, String message) {
        this(status, message, Map.of(), Map.of());
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, message);
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    public static HttpError invalid(int status, String message, FieldErrors errors) {
        return new HttpError(status, message, errors.asMap(), Map.of());
    }

    public int status() {
        return status;
    }

    public Map<String, String> fields() {
        return fields;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
