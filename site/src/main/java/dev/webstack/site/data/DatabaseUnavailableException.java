package dev.webstack.site.data;

/**
 * The database could not be reached, or the connection broke mid-request. Answered with 503: the request
 * may succeed once the database is back, which the pool notices by itself.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(Throwable cause) {
        super("database unavailable: " + cause.getMessage(), cause);
    }
}
